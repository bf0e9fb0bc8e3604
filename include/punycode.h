/* RFC 3492 Punycode and the IDNA ToASCII/ToUnicode steps mxtrace needs for domain names. */
#ifndef MXTRACE_PUNYCODE_H
#define MXTRACE_PUNYCODE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define PUNY_MAX_LABEL 63       /* RFC 1035 §2.3.4 */
#define PUNY_MAX_NAME 253       /* presentation length without the final dot */
#define PUNY_MAX_CODEPOINTS 256 /* more code points than this cannot fit a 63-octet label */

/* Encode code points (RFC 3492 §6.3) and append the basic string to out (no "xn--"). */
int puny_encode(const uint32_t *cp, size_t n, struct buf *out);
/* Decode a basic string (without "xn--") into at most cap code points. ST_MALFORMED on
 * invalid input or overflow, ST_TOOBIG if more than cap code points. */
int puny_decode(const char *s, size_t n, uint32_t *cp, size_t cap, size_t *outn);
/*
 * Domain name in UTF-8 → ASCII form for lookups: labels separated by '.', U+3002, U+FF0E or
 * U+FF61; ASCII folded to lower case, common Latin/Greek/Cyrillic capitals folded; non-ASCII
 * labels become "xn--" + Punycode. A final dot is dropped. Label ≤ 63 and name ≤ 253 octets
 * are enforced on the result (ST_TOOBIG); invalid UTF-8 or empty labels give ST_MALFORMED.
 * No Unicode normalisation (NFC) is applied: documented in docs/QUIRKS.md.
 */
int idna_to_ascii(const char *name, size_t n, struct buf *out);
/* ASCII name → UTF-8 for display: "xn--" labels that decode cleanly are converted, others
 * are kept as they are. */
int idna_to_unicode(const char *name, size_t n, struct buf *out);

#endif
