/* Placeholder for `mxtrace mx` until its issue lands; fails loudly instead of pretending. */
#include <stdio.h>

#include "cli.h"
#include "status.h"

int cmd_mx(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "mxtrace mx: not built yet\n");
	return EXIT_SOFTWARE;
}
