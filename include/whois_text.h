/* Conversion of WHOIS answers from the server's charset to valid UTF-8. */
#ifndef MXTRACE_WHOIS_TEXT_H
#define MXTRACE_WHOIS_TEXT_H

#include <stddef.h>

#include "buf.h"
#include "whois_tab.h"

/*
 * Append the answer raw[0..n) to out as valid UTF-8. Line by line: a line that is valid
 * UTF-8 is kept (servers listed as Latin-1 often send UTF-8 today); any other line is read
 * in charset cs (ISO-8859-1 for WCS_AUTO and WCS_UTF8). NUL bytes become U+FFFD. Line ends
 * (LF, CR, CRLF, CRCRLF) are copied unchanged, so line numbers stay those of the raw answer.
 * Control characters are kept: escape them (text_sanitize) before they reach a terminal.
 * ISO-2022-JP: ASCII passes through, each run of two-byte characters becomes one U+FFFD.
 * Returns ST_OK, or the buffer's error (ST_TOOBIG, ST_NOMEM).
 */
int wtext_to_utf8(enum whois_charset cs, const void *raw, size_t n, struct buf *out);

#endif
