/* Placeholder for `mxtrace report` until its issue lands; fails loudly instead of pretending. */
#include <stdio.h>

#include "cli.h"
#include "status.h"

int cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "mxtrace report: not built yet\n");
	return EXIT_SOFTWARE;
}
