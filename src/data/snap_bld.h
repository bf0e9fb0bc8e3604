/* Generator internals shared by the input parsers and the snapshot writer. */
#ifndef MXTRACE_SNAP_BLD_H
#define MXTRACE_SNAP_BLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "snap_build.h"
#include "snap_int.h"

#define BLD_MAX_LINE 8192       /* longest input line accepted */
#define BLD_XML_DEPTH 32
#define BLD_JSON_DEPTH 32

/* Bump allocator for the generator's strings and nodes; freed all at once. */
struct bld_arena {
	struct bld_arena_blk *head;
	int err;
};
void *bld_alloc(struct bld_arena *a, size_t n);
char *bld_strndup(struct bld_arena *a, const char *s, size_t n);
void bld_arena_free(struct bld_arena *a);

/* Growable array of fixed-size elements. */
struct bvec {
	void *p;
	size_t n, cap, size;
};
void bvec_init(struct bvec *v, size_t size);
/* Append a zeroed element; NULL when out of memory. */
void *bvec_push(struct bvec *v);
void bvec_free(struct bvec *v);
#define BVEC_AT(v, type, i) (&((type *)(v)->p)[i])

/* One input file. */
struct bsrc {
	struct snap_source meta;    /* what ends up in the snapshot */
	char *data;                 /* contents, NUL-terminated */
	size_t len;
	bool date_given;
};

/* Registry ids, in the order of the registry section. */
enum breg { BR_IANA = 0, BR_IETF, BR_AFRINIC, BR_APNIC, BR_ARIN, BR_LACNIC, BR_RIPENCC, BR__COUNT };

struct b_special {
	const char *name, *spec, *alloc, *term;
	uint8_t flags[5];
};
struct b_iana {
	const char *designation, *date, *status, *whois, *rdap, *registry;
};
struct b_rir {
	uint8_t registry, status, holder, src;
	char cc[2];
	uint32_t date, value;
};
struct b_boot {
	const char *urls;
};

/* A range record before flattening. */
struct brec {
	struct k128 first, last;
	int plen;                   /* -1: a range, not a prefix */
	int layer;                  /* higher wins where records overlap */
	bool nest;                  /* may overlap others of its layer (more specific wins) */
	int src;
	unsigned long line;
	int type;                   /* RT_* */
	union {
		struct b_special sp;
		struct b_iana ia;
		struct b_rir ri;
		struct b_boot bo;
	} u;
};

struct b_tld {
	const char *name, *type, *sponsor, *whois;
	const char *rdap;           /* from dns.json */
	const char *rdap_db;        /* from the root zone database */
	uint32_t flags;
	bool from_db;               /* a row of the root zone database */
	int src;
	unsigned long line;
};
struct b_psl {
	const char *name;
	unsigned flags;
};
struct b_root {
	const char *name;
	unsigned flags;
	uint8_t v4[4], v6[16];
};

struct b_registry {
	const char *id, *name, *whois, *rdap;
};

/* The whole build. */
struct bld {
	const struct snap_build_opts *o;
	struct buf *msg;            /* error text, or warnings */
	struct bld_arena a;
	bool failed;                /* an error was recorded: msg holds it */
	struct bsrc src[SNAP_MAX_SOURCES];
	int nsrc;
	struct bvec tab[T__COUNT];   /* struct brec for range tables; lists below */
	struct bvec tlds, psl, roots;  /* struct b_tld, b_psl, b_root */
	uint64_t tld_srcs, psl_srcs, root_srcs, reg_srcs;
	struct b_registry reg[BR__COUNT];
	/* known defects: "path line sha256" */
	struct bvec defects;
};

struct bdefect {
	const char *path;
	unsigned long line;
	uint8_t sha[32];
	int action;                 /* DEFECT_SKIP or DEFECT_END */
	bool used;
};

/* Record an error "path:line: message" (line 0: no line) and return ST_MALFORMED. */
int bld_err(struct bld *b, int src, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void bld_warn(struct bld *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether line `line` of source src (text[0..n)) is a listed known defect: DEFECT_NO, or
 * DEFECT_SKIP (skip the line) or DEFECT_END (the file ends before it: a concatenation). */
enum { DEFECT_NO = 0, DEFECT_SKIP, DEFECT_END };
int bld_known_defect(struct bld *b, int src, unsigned long line, const char *text, size_t n);
/* Add a range record to table tab; NULL when out of memory. */
struct brec *bld_rec(struct bld *b, int tab, int type, int src, unsigned long line);
/* Set a source's date from "YYYY-MM-DD..." (first 10 characters are checked). */
bool bld_set_date(struct bld *b, int src, const char *d, size_t n);

/* Key helpers. */
bool bld_parse_v4(const char *s, size_t n, uint32_t *out);
bool bld_parse_v6(const char *s, size_t n, uint8_t out[16]);
/* "a.b.c.d/len", "NNN/8" (IANA's /8 notation), "x::/len": first, last, plen. */
bool bld_parse_prefix(const char *s, size_t n, int family, struct k128 *first, struct k128 *last,
                      int *plen);
struct k128 bld_k128_v6(const uint8_t a[16]);
bool bld_valid_date(const char *d);
bool bld_valid_host(const char *s);
bool bld_valid_url(const char *s);

/* ---- mini XML (IANA registries) ---- */
struct xnode {
	const char *name;           /* element name; NULL for a text node */
	const char *text;           /* text node content, entities decoded */
	const char **attr;          /* name, value, name, value, ... */
	size_t nattr;
	struct xnode **kid;
	size_t nkid;
	unsigned long line;
};
int bld_xml_parse(struct bld *b, int src, struct xnode **root);
const char *bld_xml_attr(const struct xnode *n, const char *name);
struct xnode *bld_xml_child(const struct xnode *n, const char *name);
/* Text of an element: text nodes plus rendered <xref>s, blanks collapsed, trimmed. "" if
 * n is NULL. Allocated in the arena (NULL when out of memory). */
const char *bld_xml_text(struct bld *b, const struct xnode *n);

/* ---- JSON (RDAP bootstrap), read with base/jsonr ---- */
struct jr_val;
/* Parse source src as one JSON document; *root is freed by the caller with jr_free(). A
 * problem is recorded as "path:line: reason" (the reasons of jsonr, plus "nested too deeply"
 * past BLD_JSON_DEPTH and "content after the JSON value"). */
int bld_json_parse(struct bld *b, int src, struct jr_val **root);

/* ---- input parsers (snap_inputs.c, snap_iana.c) ---- */
int bld_iana_ipv4(struct bld *b, int src);
int bld_iana_ipv4_recovered(struct bld *b, int src);
int bld_iana_ipv6(struct bld *b, int src);
int bld_iana_ipv6_unicast(struct bld *b, int src);
int bld_iana_special(struct bld *b, int src, int family);
int bld_iana_asn(struct bld *b, int src);
int bld_iana_asn_special(struct bld *b, int src);
/* Registry WHOIS/RDAP servers from the IANA tables already read. */
int bld_registries(struct bld *b);
int bld_rir(struct bld *b, int src, int layer);
int bld_bootstrap(struct bld *b, int src, int tab);
int bld_rdap_dns(struct bld *b, int src);
int bld_tld_csv(struct bld *b, int src);
int bld_tld_list(struct bld *b, int src);
int bld_psl(struct bld *b, int src);
int bld_root(struct bld *b, int src);

#endif
