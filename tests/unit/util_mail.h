/* Test helpers for the mail suites. */
#ifndef MXTRACE_UTIL_MAIL_H
#define MXTRACE_UTIL_MAIL_H

#include <stddef.h>

/* Whole file, NUL-terminated (NULL if unreadable); caller frees. */
char *util_read_file(const char *path, size_t *len);

#endif
