/* Placeholder for `mxtrace whois` until its issue lands; fails loudly instead of pretending. */
#include <stdio.h>

#include "cli.h"
#include "status.h"

int cmd_whois(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "mxtrace whois: not built yet\n");
	return EXIT_SOFTWARE;
}
