/* mxtrace entry point: find the subcommand and hand it the rest of the command line. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "status.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "trace", cmd_trace }, { "addrs", cmd_addrs }, { "mx", cmd_mx },
	{ "dns", cmd_dns },     { "whois", cmd_whois }, { "report", cmd_report },
	{ "data", cmd_data },
};

static const struct command *find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct command *c = NULL;
	int i, at = -1;

	if (argc < 2) {
		cli_usage(stderr, NULL);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		if (argc > 2 && find(argv[2]))
			cli_usage(stdout, argv[2]);
		else
			cli_usage(stdout, NULL);
		return EXIT_FOUND;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("mxtrace %s\n", MXTRACE_VERSION);
		return EXIT_FOUND;
	}
	/* Global options may come before the command: the command is the first word naming one. */
	for (i = 1; i < argc && !c; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		c = find(argv[i]);
		if (c)
			at = i;
	}
	if (!c) {
		fprintf(stderr, "mxtrace: unknown command '%s'\nTry 'mxtrace --help'.\n", argv[1]);
		return EXIT_USAGE;
	}
	/* Rotate the command word to the front so getopt sees "CMD opts... args...". */
	{
		char *word = argv[at];

		memmove(&argv[2], &argv[1], (size_t)(at - 1) * sizeof(char *));
		argv[1] = word;
	}
	return c->run(argc - 1, argv + 1);
}
