/* Placeholder for `mxtrace data` until its issue lands; fails loudly instead of pretending. */
#include <stdio.h>

#include "cli.h"
#include "status.h"

int cmd_data(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "mxtrace data: not built yet\n");
	return EXIT_SOFTWARE;
}
