/* Private to charset.c: the generated single-byte charset tables (charset_tables.c). */
#ifndef MXTRACE_CHARSET_TABLES_H
#define MXTRACE_CHARSET_TABLES_H

#include <stdint.h>

struct charset_sb {
	const char *name;        /* canonical lower-case name, e.g. "windows-1251" */
	uint16_t hi[128];        /* code points of bytes 0x80..0xFF; 0 = unassigned */
};

extern const struct charset_sb charset_sb_tables[];
extern const unsigned charset_sb_count;

#endif
