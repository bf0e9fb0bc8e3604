/* A WHOIS answer split into classified lines, objects and sections: the common ground of the
 * field extractor (whois_parse.c) and the referral extractor (whois_refer.c). */
#ifndef MXTRACE_WHOIS_DOC_H
#define MXTRACE_WHOIS_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "span.h"
#include "whois_tab.h"

#define WDOC_LINE_MAX 4096          /* longer lines are cut (and flagged) */
#define WDOC_MAX_LINES 65536        /* more lines than this are not read */
#define WDOC_KEY_MAX 64             /* a longer "key" is prose, not a key */

enum wdoc_ltype {
	WL_BLANK = 0,
	WL_COMMENT,     /* starts with %, # or >>> */
	WL_ATTR,        /* key: value (or a continuation of the previous attribute) */
	WL_TEXT         /* anything else */
};

struct wdoc_line {
	struct span text;               /* the whole line, UTF-8, without its end */
	struct span val;                /* attribute value, trimmed */
	char key[WDOC_KEY_MAX];         /* normalised key (see fields.txt), "" if none */
	unsigned long no;               /* 1-based line number in the answer */
	enum wdoc_ltype type;
	enum whois_fid fid;
	bool cont;                      /* continuation of the previous attribute */
	unsigned obj;                   /* object index of an attribute */
	unsigned sect;                  /* section index */
	long parent;                    /* "Registrar:" header of an indented "Name: X", or -1 */
};

struct wdoc_obj {
	size_t first, last;             /* line indexes, inclusive */
	unsigned sect;
};

/*
 * The document owns a UTF-8 copy of the answer (text) and arrays of lines and objects whose
 * spans point into that copy. Sections start at "% Information related to" (RPSL) and
 * "# start" (ARIN multi-network answers); an answer without them is one section.
 */
struct wdoc {
	struct buf text;
	struct wdoc_line *lines;
	size_t nlines;
	struct wdoc_obj *objs;
	size_t nobjs;
	unsigned nsects;
	enum whois_fmt fmt;
	bool lines_cut;                 /* more than WDOC_MAX_LINES lines */
	bool blank_keys;                /* "Key  value" and "Key<TAB>value" lines are keys */
	const struct wtab *tab;
	char server[HOSTPORT_MAX_HOST]; /* lower case, "" when unknown */
};

/*
 * Build a document from a raw answer. server (may be NULL) selects the charset and the
 * format hint in the table; fmt, when not WFMT_UNKNOWN, forces the format. The format is
 * otherwise guessed from the text (a banner or a label only one layout uses), then from the
 * server table. Returns ST_OK, ST_NOMEM or ST_TOOBIG; free with wdoc_free() in every case.
 */
int wdoc_build(struct wdoc *d, const struct wtab *t, const char *server, enum whois_fmt fmt,
               const void *raw, size_t n);
void wdoc_free(struct wdoc *d);
/* Guess the layout of a UTF-8 text from banners and labels; WFMT_UNKNOWN if nothing says. */
enum whois_fmt wdoc_guess_fmt(const char *text, size_t n);

/* First line index in object o with field f, or -1. */
long wdoc_obj_find(const struct wdoc *d, size_t o, enum whois_fid f);
/* Object whose handle (nic-hdl, irt, organisation, or first attribute) equals h (ASCII case
 * ignored), searched from section sect first and then everywhere; -1 if none. */
long wdoc_obj_by_handle(const struct wdoc *d, struct span h, unsigned sect);
/* True if line i belongs to a "Server Name:" record (a name server object that a broad
 * Verisign search lists before the domain). */
bool wdoc_host_record(const struct wdoc *d, size_t i);
/* Type key of an object: the normalised key of its first attribute. */
const char *wdoc_obj_type(const struct wdoc *d, size_t o);

struct whois_answer;
/* Add every referral marker of the document to a (whois_refer.c), given the object index of
 * the most specific network (-1 if none). Used by whois_parse(). */
void whois_refer_doc(const struct wdoc *d, long net_obj, struct whois_answer *a);

/* Find an e-mail address in s starting at *pos; returns true with the address in *out and
 * *pos moved past it. Addresses are local@domain with an LDH domain holding a dot. */
bool wdoc_next_email(struct span s, size_t *pos, struct span *out);
/* True if s is exactly one e-mail address (surrounding blanks ignored). */
bool wdoc_is_email(struct span s);

#endif
