/* Placeholder for `mxtrace addrs` until its issue lands; fails loudly instead of pretending. */
#include <stdio.h>

#include "cli.h"
#include "status.h"

int cmd_addrs(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "mxtrace addrs: not built yet\n");
	return EXIT_SOFTWARE;
}
