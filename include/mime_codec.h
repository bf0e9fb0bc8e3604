/* Content-transfer decoders for mail: quoted-printable (RFC 2045 §6.7, RFC 2047 "Q") and
 * base64 (RFC 2045 §6.8), both tolerant of the damage real spam carries. */
#ifndef MXTRACE_MIME_CODEC_H
#define MXTRACE_MIME_CODEC_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Counters of tolerated damage, for notes and evidence. */
struct codec_report {
	size_t junk;       /* base64: bytes outside the alphabet skipped (line ends excluded) */
	size_t bad_escapes;/* QP: '=' not followed by two hex digits or a line end: kept as is */
	bool unpadded;     /* base64: the last quantum was short of padding */
	bool dangling;     /* base64: one lone sextet at the end (dropped) */
};

/*
 * Append the quoted-printable decoding of in[0..n). "=XY" (hex, either case) gives the byte,
 * "=" + optional trailing blanks + line end is a soft line break (removed), any other "=" is
 * kept literally and counted. With `q_mode` (RFC 2047 §4.2 "Q" encoding) '_' is a space and
 * there are no soft line breaks. Returns ST_OK or the buffer's error.
 */
int qp_decode(const void *in, size_t n, bool q_mode, struct buf *out, struct codec_report *rep);

/*
 * Append the base64 decoding of in[0..n). Characters outside the alphabet (line ends,
 * spaces, junk) are skipped; '=' ends a quantum, so concatenated encodings decode too; a
 * missing final padding is tolerated. rep may be NULL. Returns ST_OK or the buffer's error.
 */
int b64_decode(const void *in, size_t n, struct buf *out, struct codec_report *rep);

#endif
