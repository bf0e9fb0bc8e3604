/* Command-line plumbing shared by the subcommands: global options, setup, usage. */
#ifndef MXTRACE_CLI_H
#define MXTRACE_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "clock.h"
#include "socks5.h"
#include "trail.h"

#define CLI_MAX_SERVERS 8
#define MXTRACE_VERSION "0.1.0"

/* Long-option codes for global options (values above any short option character). */
enum cli_opt {
	OPT_JSON = 1000,
	OPT_TRAIL,
	OPT_SERVER,
	OPT_TCP,
	OPT_TIMEOUT,
	OPT_RETRIES,
	OPT_OFFLINE,
	OPT_ITERATIVE,
	OPT_SOCKS5,
	OPT_DATA,
	OPT_NO_COLOR,
	OPT_FIXED_CLOCK,
	OPT_HELP,
	OPT__FIRST_LOCAL = 1100 /* subcommands number their own long options from here */
};

/*
 * Options every subcommand accepts. Filled by cli_parse(); the trail and its stream are
 * opened by cli_setup() and closed by cli_teardown().
 */
struct cli_opts {
	bool json;
	const char *trail_path;
	int verbose;
	bool quiet;
	const char *servers[CLI_MAX_SERVERS];
	int nservers;
	bool tcp;
	int timeout_ms;         /* 0: default of the subcommand */
	int retries;            /* -1: default */
	bool offline;
	bool iterative;
	const char *socks5;     /* --socks5 as given (its password overwritten), NULL: none */
	struct socks5_proxy proxy;  /* --socks5 parsed (valid when socks5 is set) */
	const char *data_dir;
	bool no_color;
	bool color;             /* decided by cli_setup: a terminal, no NO_COLOR, no --no-color */
	bool help;
	/* set up by cli_setup() */
	struct clock clock;
	struct trail trail;
	FILE *trail_file;
};

/*
 * Handler for a subcommand's own options, called before the global ones: return 0 when
 * handled, -1 when the option is not the subcommand's (the global handler then takes it), or
 * print a message and return EXIT_USAGE.
 */
typedef int (*cli_opt_fn)(int opt, const char *arg, void *ctx);

/*
 * Parse argv (argv[0] is the subcommand name) with getopt_long, accepting the global options
 * plus `extra` (terminated by a zero entry) and `extra_short` ("" if none). Returns 0, or
 * EXIT_USAGE after printing a message. On return *first_arg indexes the first operand.
 */
int cli_parse(int argc, char **argv, const struct option *extra, const char *extra_short,
              cli_opt_fn fn, void *ctx, struct cli_opts *o, int *first_arg);
/* Open the trail file, set the log level, decide colour. Returns 0 or an exit code. */
int cli_setup(struct cli_opts *o);
/* Flush and close; returns EXIT_CANTCREAT if the trail could not be written, else 0. */
int cli_teardown(struct cli_opts *o);
/* Print usage of one subcommand (or of all when NULL) to f. */
void cli_usage(FILE *f, const char *cmd);
/* Print a usage error "mxtrace CMD: message" and a hint; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Subcommands: each takes argv with argv[0] == its name and returns an exit code. */
int cmd_trace(int argc, char **argv);
int cmd_addrs(int argc, char **argv);
int cmd_mx(int argc, char **argv);
int cmd_dns(int argc, char **argv);
int cmd_whois(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_data(int argc, char **argv);

#endif
