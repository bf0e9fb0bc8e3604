/* The WHOIS knowledge tables: per-server syntax and charset, state markers, contact classes
 * and field names, loaded from the plain-text lists in data/whois/ embedded at build time. */
#ifndef MXTRACE_WHOIS_TAB_H
#define MXTRACE_WHOIS_TAB_H

#include <stdbool.h>
#include <stddef.h>

#include "hostport.h"

/* Answer layouts the parser knows. */
enum whois_fmt {
	WFMT_UNKNOWN = 0,
	WFMT_IANA,      /* whois.iana.org: refer:/whois: */
	WFMT_RPSL,      /* RIPE, APNIC, AFRINIC and RIPE-derived databases */
	WFMT_ARIN,      /* NetRange/OrgAbuse* blocks */
	WFMT_LACNIC,    /* LACNIC joint whois and registro.br */
	WFMT_ICANN,     /* gTLD registries and registrars (2013 RAA labels), Verisign */
	WFMT_RWHOIS,    /* RFC 2167 class:attribute:value */
	WFMT_JPRS,      /* [Key] value */
	WFMT_JPNIC,     /* a. [Key] value */
	WFMT_GENERIC,   /* any "key: value" layout */
	WFMT__COUNT
};

/* Character sets an answer may arrive in. */
enum whois_charset {
	WCS_AUTO = 0,   /* UTF-8 when valid, else ISO-8859-1, line by line */
	WCS_UTF8,
	WCS_LATIN1,
	WCS_CP1252,
	WCS_CP1251,
	WCS_KOI8R,
	WCS_ISO2022JP,
	WCS__COUNT
};

/* What a query asks about; each kind has its own template per server. */
enum whois_qkind {
	WQ_DOMAIN = 0,
	WQ_TLD,
	WQ_IPV4,
	WQ_IPV6,
	WQ_CIDR,
	WQ_ASN,
	WQ_OTHER,
	WQ__COUNT
};

/* The service state of one answer, worst last in precedence order of the markers. */
enum whois_state {
	WST_ANSWERED = 0,   /* the server answered with data */
	WST_NO_MATCH,       /* no such object here */
	WST_NOT_SERVED,     /* this server does not serve this object on port 43 */
	WST_TEMP_FAIL,      /* could not answer now: retry later */
	WST_RATE_LIMITED,   /* refused because of query volume */
	WST_MALFORMED,      /* not a WHOIS answer we can read */
	WST__COUNT
};

/* Semantic fields named in fields.txt. */
enum whois_fid {
	WF_NONE = -1,
	WF_DOMAIN = 0, WF_REGISTRAR, WF_IANA_ID, WF_REG_WHOIS, WF_REG_URL, WF_REG_ABUSE,
	WF_REG_PHONE, WF_NSERVER, WF_STATUS, WF_CREATED, WF_UPDATED, WF_EXPIRES,
	WF_RANGE, WF_CIDR, WF_NETNAME, WF_ORG, WF_ORGHANDLE, WF_ORGANISATION, WF_COUNTRY,
	WF_ASN, WF_ASNAME, WF_HANDLE, WF_PARENT, WF_DESCR, WF_REMARKS,
	WF_ABUSE_C, WF_MNT_IRT, WF_ABUSE_MAILBOX, WF_EMAIL, WF_NIC_HDL, WF_CONTACT_REF,
	WF_MNT_BY, WF_RABUSE_EMAIL, WF_RABUSE_PHONE, WF_ORGABUSE_EMAIL, WF_ORGABUSE_PHONE,
	WF_REFER, WF_IANA_WHOIS, WF_REFERRAL, WF_RESOURCE_LINK, WF_SOURCE,
	WF__COUNT
};

/* Classes of addresses that are never offered as an abuse contact. */
enum whois_cclass {
	WCC_OK = 0,
	WCC_PLACEHOLDER,
	WCC_REDACTED,
	WCC_RIR,
	WCC_NIR,
	WCC__COUNT
};

#define WTAB_TMPL_MAX 80
#define WTAB_TEXT_MAX 96
#define WTAB_KEY_MAX 48

struct wtab_server {
	char pattern[HOSTPORT_MAX_HOST];   /* exact name, "*.suffix" or "*" */
	enum whois_fmt fmt;
	enum whois_charset charset;
	int port;
	char rir[16];                      /* "arin", "ripe", "krnic", ... or "" */
	char tmpl[WQ__COUNT][WTAB_TMPL_MAX]; /* "" means "{q}" */
	unsigned line;
};

enum wtab_match { WM_LINE, WM_PREFIX, WM_SUFFIX, WM_CONTAINS, WM_EMAIL, WM_DOMAIN };

struct wtab_marker {
	enum whois_state state;
	enum wtab_match match;
	char text[WTAB_TEXT_MAX];          /* blanks collapsed */
	char server[HOSTPORT_MAX_HOST];    /* "" for every server */
};

struct wtab_class {
	enum whois_cclass cls;
	enum wtab_match match;
	char pattern[WTAB_TEXT_MAX];
	char name[48];
	char refer[HOSTPORT_MAX_HOST];
};

struct wtab_field {
	enum whois_fid fid;
	char key[WTAB_KEY_MAX];
};

/* The loaded tables; read-only once loaded, shared by every lookup of a run. */
struct wtab {
	struct wtab_server *servers;
	size_t nservers;
	struct wtab_marker *markers;
	size_t nmarkers;
	struct wtab_class *classes;
	size_t nclasses;
	struct wtab_field *fields;
	size_t nfields;
};

/* Which list a text holds. */
enum wtab_list { WTL_SERVERS, WTL_MARKERS, WTL_CONTACTS, WTL_FIELDS };

/* The lists as embedded by mk/whois.mk (generated; NUL-terminated, length without NUL). */
extern const unsigned char whois_tab_servers[];
extern const size_t whois_tab_servers_len;
extern const unsigned char whois_tab_markers[];
extern const size_t whois_tab_markers_len;
extern const unsigned char whois_tab_contacts[];
extern const size_t whois_tab_contacts_len;
extern const unsigned char whois_tab_fields[];
extern const size_t whois_tab_fields_len;

/*
 * Load all four lists: from DIR/servers.txt etc. when dir is given and holds the file (a
 * newer copy), else the embedded one. On success *out is a new table to free with
 * wtab_free(). Malformed lines are refused: ST_MALFORMED with "FILE:LINE: reason" in err.
 */
int wtab_load(struct wtab **out, const char *dir, char *err, size_t errlen);
/* Parse one list text into t (appending). ST_MALFORMED with "NAME:LINE: reason" in err. */
int wtab_parse(struct wtab *t, enum wtab_list which, const char *name, const char *text,
               size_t n, char *err, size_t errlen);
void wtab_free(struct wtab *t);

/* The entry for host: exact name, else the longest matching "*.suffix", else "*"; NULL if
 * the table has no default. host is compared ignoring ASCII case and a final dot. */
const struct wtab_server *wtab_server(const struct wtab *t, const char *host);
/* Field of a normalised key, or WF_NONE. */
enum whois_fid wtab_field(const struct wtab *t, const char *key, size_t n);
/* State a line announces, or WST_ANSWERED when no marker matches. server may be NULL. The
 * matching marker is returned through *m when m is not NULL. */
enum whois_state wtab_marker_scan(const struct wtab *t, const char *server, const char *line,
                                  size_t n, const struct wtab_marker **m);
/* Class of a contact value (an address or a text); WCC_OK when no rule matches. The rule is
 * returned through *c when c is not NULL. */
enum whois_cclass wtab_classify(const struct wtab *t, const char *value,
                                const struct wtab_class **c);

/* Names for output and tables ("rpsl", "iso-8859-1", "rate-limited", "registrar", ...). */
const char *whois_fmt_name(enum whois_fmt f);
const char *whois_charset_name(enum whois_charset c);
/* Format of a name as whois_fmt_name() gives it; WFMT_UNKNOWN if none. */
enum whois_fmt whois_fmt_from_name(const char *name);
const char *whois_state_name(enum whois_state s);
const char *whois_qkind_name(enum whois_qkind k);
const char *whois_fid_name(enum whois_fid f);
const char *whois_cclass_name(enum whois_cclass c);

#endif
