/* HTML to plain text for address scanning: tags stripped, entities decoded, mailto kept. */
#ifndef MXTRACE_HTML_H
#define MXTRACE_HTML_H

#include <stddef.h>

#include "buf.h"

#define HTML_MAX_TAG (64u * 1024u) /* a '<' with no '>' this far is text, not a tag */

struct html_report {
	unsigned tags;
	unsigned entities;       /* character references decoded */
	unsigned mailtos;        /* mailto: links kept */
	unsigned skipped;        /* script/style/comment blocks dropped */
};

/*
 * Append the text of UTF-8 HTML in[0..n): tags removed (block-level ones become line
 * breaks, table cells spaces), comments, <script> and <style> contents dropped, named and
 * numeric character references decoded (also without the final ';' for the legacy names
 * and numbers), non-breaking spaces as spaces. The href of every <a>/<area> link that is
 * a mailto: URI is written into the text as " mailto:ADDR " (entities decoded) so it
 * survives the stripping. rep may be NULL. Returns ST_OK or the buffer's error.
 */
int html_to_text(const char *in, size_t n, struct buf *out, struct html_report *rep);

/* Decode the character reference at s[0..n) (s[0] == '&'). On success append its UTF-8 to
 * out and return the bytes consumed; return 0 when it is not a reference we know. */
size_t html_entity(const char *s, size_t n, struct buf *out);

#endif
