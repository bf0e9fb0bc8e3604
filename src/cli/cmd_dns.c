/* Placeholder for `mxtrace dns` until its issue lands; fails loudly instead of pretending. */
#include <stdio.h>

#include "cli.h"
#include "status.h"

int cmd_dns(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "mxtrace dns: not built yet\n");
	return EXIT_SOFTWARE;
}
