/* Base64 encoding (RFC 4648 §4) for MIME parts and JSON embedding of raw bytes. */
#ifndef MXTRACE_BASE64_H
#define MXTRACE_BASE64_H

#include <stddef.h>

#include "buf.h"

/* Append the encoding of data; with line_len > 0 (a multiple of 4, e.g. 76) lines end in CRLF
 * or LF (crlf) every line_len characters and after the last one. */
int base64_encode(struct buf *out, const void *data, size_t n, size_t line_len, int crlf);

#endif
