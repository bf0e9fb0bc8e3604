/* Conformance driver for the WHOIS parser over the recorded answers in ../shared/data: every
 * file parses, nothing refused is offered, and the expectation table matches. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "json.h"
#include "span.h"
#include "status.h"
#include "text.h"
#include "whois_doc.h"
#include "whois_parse.h"
#include "whois_tab.h"

#define MAX_FILE (4u << 20)
#define MAX_ROWS 4096

/* One expectation: what a careful reader finds in the file. "-" means none. */
struct row {
	char file[512];
	char state[32];
	char abuse[256];
	char registrar[256];
	char referral[256];
	unsigned long line;
	bool seen;
};

struct ctx {
	const struct wtab *tab;
	struct row *rows;
	size_t nrows;
	unsigned long files, failures, checked;
	unsigned long states[WST__COUNT];
	bool draft;
};

static void fail(struct ctx *c, const char *file, const char *what, const char *got,
                 const char *want)
{
	c->failures++;
	printf("FAIL %s: %s: got '%s', want '%s'\n", file, what, got, want);
}

static int load_rows(const char *path, struct ctx *c)
{
	FILE *f = fopen(path, "r");
	char line[2048];
	unsigned long no = 0;

	if (!f) {
		perror(path);
		return -1;
	}
	c->rows = calloc(MAX_ROWS, sizeof(*c->rows));
	if (!c->rows) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *field[5], *p = line;
		int n = 0;
		struct row *r;

		no++;
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		while (n < 5) {
			field[n++] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = 0;
		}
		if (n != 5 || c->nrows >= MAX_ROWS) {
			fprintf(stderr, "%s:%lu: want 5 tab-separated fields\n", path, no);
			fclose(f);
			return -1;
		}
		r = &c->rows[c->nrows++];
		snprintf(r->file, sizeof(r->file), "%s", field[0]);
		snprintf(r->state, sizeof(r->state), "%s", field[1]);
		snprintf(r->abuse, sizeof(r->abuse), "%s", field[2]);
		snprintf(r->registrar, sizeof(r->registrar), "%s", field[3]);
		snprintf(r->referral, sizeof(r->referral), "%s", field[4]);
		r->line = no;
	}
	fclose(f);
	return 0;
}

static struct row *find_row(struct ctx *c, const char *rel)
{
	size_t i;

	for (i = 0; i < c->nrows; i++)
		if (strcmp(c->rows[i].file, rel) == 0)
			return &c->rows[i];
	return NULL;
}

/* The domainr fixtures keep the answer behind a small header block (LF or CRLF) ending at
 * the first empty line: skip it. */
static void strip_mime(const char *name, const uint8_t **p, size_t *n)
{
	size_t len = strlen(name), i;

	if (len < 5 || strcmp(name + len - 5, ".mime") != 0)
		return;
	for (i = 0; i + 1 < *n && i < 2048; i++) {
		size_t skip = 0;

		if ((*p)[i] != '\n')
			continue;
		if ((*p)[i + 1] == '\n')
			skip = i + 2;
		else if (i + 2 < *n && (*p)[i + 1] == '\r' && (*p)[i + 2] == '\n')
			skip = i + 3;
		if (skip) {
			*p += skip;
			*n -= skip;
			return;
		}
	}
}

static bool clean_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			return false;
	return utf8_valid(s, strlen(s));
}

/* Invariants for every file, expected or not. */
static void check_invariants(struct ctx *c, const char *rel, const struct whois_answer *a)
{
	struct buf b;
	struct json j;
	size_t i;

	for (i = 0; i < a->ncontacts; i++) {
		const struct whois_contact *k = &a->contacts[i];
		enum whois_cclass cls = wtab_classify(c->tab, k->email.v, NULL);
		bool offered = k->cls == WCC_OK && !k->not_email;

		if (!clean_text(k->email.v))
			fail(c, rel, "contact with control characters", k->email.v, "clean UTF-8");
		if (!offered)
			continue;
		if (!wdoc_is_email(span_of(k->email.v)))
			fail(c, rel, "offered contact is not an address", k->email.v, "an address");
		if (cls == WCC_PLACEHOLDER || cls == WCC_REDACTED || cls == WCC_NIR ||
		    (cls == WCC_RIR && a->transferred))
			fail(c, rel, "placeholder or wrong party offered", k->email.v,
			     whois_cclass_name(cls));
	}
	if (!clean_text(a->registrar.v) || !clean_text(a->org.v) || !clean_text(a->range.v))
		fail(c, rel, "value with control characters", a->registrar.v, "clean UTF-8");
	for (i = 0; i < a->nrefs; i++) {
		const struct whois_ref *r = &a->refs[i];

		if (!r->reject[0] && r->host[0] &&
		    (!hostname_valid(r->host, strlen(r->host)) || r->port < 1 || r->port > 65535))
			fail(c, rel, "usable referral with a bad target", r->host, "host name");
	}
	buf_init(&b, 16u << 20);
	json_init(&j, &b, false);
	whois_answer_json(a, &j);
	if (json_finish(&j) != ST_OK || !utf8_valid(b.data, b.len))
		fail(c, rel, "JSON output", "invalid", "a valid document");
	buf_reset(&b);
}

static void referral_text(const struct whois_answer *a, char *out, size_t cap)
{
	const struct whois_ref *r = whois_answer_referral(a);
	size_t i;

	snprintf(out, cap, "-");
	if (r) {
		if (r->port == 43)
			snprintf(out, cap, "%s", r->host);
		else
			snprintf(out, cap, "%s:%d", r->host, r->port);
		return;
	}
	for (i = 0; i < a->nrefs; i++)
		if (a->refs[i].kind == WR_NOT_MANAGED)
			snprintf(out, cap, "not-managed");
}

static void check_file(struct ctx *c, const char *root, const char *dir, const char *name)
{
	char path[4096], rel[1024], server[256], ref[300];
	const char *abuse, *srv = server;
	struct whois_answer *a;
	const struct whois_contact *best;
	struct row *r;
	const uint8_t *p;
	uint8_t *data;
	size_t n;
	FILE *f;
	char *us;

	snprintf(path, sizeof(path), "%s/%s/%s", root, dir, name);
	snprintf(rel, sizeof(rel), "%s/%s", dir, name);
	snprintf(server, sizeof(server), "%s", dir);
	us = strstr(server, "_4321");
	if (us)
		*us = 0;
	if (!strchr(server, '.') || strstr(server, "-http"))
		srv = NULL;     /* web gateway pages: no port-43 server */
	f = fopen(path, "rb");
	if (!f)
		return;
	data = malloc(MAX_FILE);
	if (!data) {
		fclose(f);
		return;
	}
	n = fread(data, 1, MAX_FILE, f);
	fclose(f);
	p = data;
	strip_mime(name, &p, &n);
	a = whois_answer_new();
	if (!a || whois_parse(c->tab, srv, WFMT_UNKNOWN, p, n, a) != ST_OK) {
		fail(c, rel, "parse", "error", "ST_OK");
		goto out;
	}
	c->files++;
	c->states[a->state]++;
	check_invariants(c, rel, a);
	best = whois_answer_abuse(a);
	abuse = best ? best->email.v : "-";
	referral_text(a, ref, sizeof(ref));
	if (c->draft) {
		printf("%s\t%s\t%s\t%s\t%s\n", rel, whois_state_name(a->state), abuse,
		       a->registrar.line ? a->registrar.v : "-", ref);
		goto out;
	}
	r = find_row(c, rel);
	if (!r)
		goto out;
	r->seen = true;
	c->checked++;
	if (strcmp(r->state, whois_state_name(a->state)) != 0)
		fail(c, rel, "state", whois_state_name(a->state), r->state);
	if (strcmp(r->abuse, abuse) != 0)
		fail(c, rel, "abuse contact", abuse, r->abuse);
	if (strcmp(r->registrar, a->registrar.line ? a->registrar.v : "-") != 0)
		fail(c, rel, "registrar", a->registrar.line ? a->registrar.v : "-", r->registrar);
	if (strcmp(r->referral, ref) != 0)
		fail(c, rel, "referral", ref, r->referral);
out:
	whois_answer_free(a);
	free(data);
}

static int cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Sorted names of the entries of a directory (without dot files). */
static char **list_dir(const char *path, size_t *n)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char **v = NULL;
	size_t cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (*n == cap) {
			char **nv = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof(*v));

			if (!nv)
				break;
			v = nv;
		}
		v[(*n)++] = strdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp);
	return v;
}

int main(int argc, char **argv)
{
	struct ctx c;
	struct wtab *tab = NULL;
	char err[256];
	char **dirs;
	size_t nd, i, k;
	const char *root, *table;

	memset(&c, 0, sizeof(c));
	if (argc >= 2 && strcmp(argv[1], "--draft") == 0) {
		c.draft = true;
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: whois_conform [--draft] RESPONSES-DIR TABLE.tsv\n");
		return 2;
	}
	root = argv[1];
	table = argv[2];
	if (wtab_load(&tab, NULL, err, sizeof(err)) != ST_OK) {
		fprintf(stderr, "tables: %s\n", err);
		return 1;
	}
	c.tab = tab;
	if (!c.draft && load_rows(table, &c) != 0)
		return 1;
	dirs = list_dir(root, &nd);
	for (i = 0; i < nd; i++) {
		char sub[4096];
		char **files;
		size_t nf;

		snprintf(sub, sizeof(sub), "%s/%s", root, dirs[i]);
		files = list_dir(sub, &nf);
		for (k = 0; k < nf; k++) {
			check_file(&c, root, dirs[i], files[k]);
			free(files[k]);
		}
		free(files);
		free(dirs[i]);
	}
	free(dirs);
	if (!c.draft) {
		for (i = 0; i < c.nrows; i++)
			if (!c.rows[i].seen)
				fail(&c, c.rows[i].file, "table row without a file", "absent", "present");
		printf("conformance: %lu files parsed, %lu checked against the table, %lu failures\n",
		       c.files, c.checked, c.failures);
		printf("states:");
		for (i = 0; i < WST__COUNT; i++)
			printf(" %s=%lu", whois_state_name((enum whois_state)i), c.states[i]);
		printf("\n");
	}
	free(c.rows);
	wtab_free(tab);
	return c.failures ? 1 : 0;
}
