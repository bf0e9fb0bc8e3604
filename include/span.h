/* Borrowed string slices and a line reader for peer text (WHOIS, config files, registries). */
#ifndef MXTRACE_SPAN_H
#define MXTRACE_SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A view into someone else's bytes; valid only while they live. Not NUL-terminated. */
struct span {
	const char *p;
	size_t n;
};

/*
 * Splits text into lines. Accepts LF, CRLF, lone CR and CRCRLF as line ends (WHOIS servers
 * send all of them); a final line without an end is returned too. Lines longer than `max_line`
 * are returned cut at max_line with `cut` set, the rest of that line skipped. NULs are kept.
 */
struct line_reader {
	const char *p;
	size_t n;
	size_t pos;
	size_t max_line;
	unsigned long lineno;  /* 1-based number of the line last returned */
	bool cut;              /* the line last returned was longer than max_line */
};

void lr_init(struct line_reader *lr, const void *p, size_t n, size_t max_line);
bool lr_next(struct line_reader *lr, struct span *line);

struct span span_of(const char *s);
struct span span_trim(struct span s);      /* strips ASCII space, tab, CR, LF, VT, FF */
/* Split at the first `sep`: left and right exclude it. False (and outputs untouched) if absent. */
bool span_split(struct span s, char sep, struct span *left, struct span *right);
bool span_eq(struct span s, const char *lit);
bool span_ieq(struct span s, const char *lit);       /* ASCII case-insensitive */
bool span_istarts(struct span s, const char *prefix);
bool span_iends(struct span s, const char *suffix);
/* Index of the first case-insensitive occurrence of needle, or -1. */
long span_ifind(struct span s, const char *needle);
bool span_uint(struct span s, uint64_t max, uint64_t *out);
/* Copy into a NUL-terminated string; false if it does not fit (dst gets "" then). */
bool span_copy(struct span s, char *dst, size_t dstlen);
/* malloc'd NUL-terminated copy (NULL on allocation failure). */
char *span_dup(struct span s);

#endif
