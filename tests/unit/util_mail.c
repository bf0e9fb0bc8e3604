/* Test helpers for the mail suites: read fixture files whole. */
#include <stdio.h>
#include <stdlib.h>

#include "util_mail.h"

char *util_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *d = NULL;
	long sz;

	*len = 0;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		d = malloc((size_t)sz + 1);
		if (d && fread(d, 1, (size_t)sz, f) == (size_t)sz) {
			d[sz] = 0;
			*len = (size_t)sz;
		} else {
			free(d);
			d = NULL;
		}
	}
	fclose(f);
	return d;
}
