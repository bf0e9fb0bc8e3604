/* Placeholder for `mxtrace trace` until its issue lands; fails loudly instead of pretending. */
#include <stdio.h>

#include "cli.h"
#include "status.h"

int cmd_trace(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "mxtrace trace: not built yet\n");
	return EXIT_SOFTWARE;
}
