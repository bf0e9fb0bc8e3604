/* Bundled registry snapshots: opening, checking and offline lookups (IP, ASN, TLD, domain). */
#ifndef MXTRACE_SNAP_H
#define MXTRACE_SNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A snapshot (docs/SNAPSHOT.md) is one file, data/mxtrace.snap, embedded in the binary at
 * build time. It holds zlib-compressed sections (IANA and RIR number data, RDAP bootstrap,
 * TLD servers, the Public Suffix List, root hints) and the names, dates and SHA-256 of the
 * files they were built from. Opening reads only the header and section table; a section is
 * inflated and decoded the first time a lookup needs it and then kept, so a struct snap is
 * not safe to share between threads. Every string a lookup returns points into the snapshot
 * and is valid until snap_free().
 */

#define SNAP_FILE_NAME "mxtrace.snap"
#define SNAP_VERSION_MAJOR 1
#define SNAP_VERSION_MINOR 0
#define SNAP_AGE_WARN_DAYS 180      /* data info warns about sources older than this */
#define SNAP_ERR_MAX 256            /* size for the err buffers below */
#define SNAP_PATH_MAX 96            /* source path inside the input directory, with NUL */
#define SNAP_NAME_MAX 24            /* section name, with NUL */
#define SNAP_DOMAIN_MAX 254         /* RFC 1035: 253 octets + NUL */
#define SNAP_TLD_MAX 64             /* one label + NUL */
#define SNAP_ADDR_TEXT 46           /* INET6_ADDRSTRLEN */
#define SNAP_RANGE_TEXT 96          /* "first-last" of two IPv6 addresses */
#define SNAP_URL_MAX 256            /* one RDAP base URL, with NUL */

struct snap;

enum snap_origin {
	SNAP_ORIGIN_EMBEDDED = 0,   /* the copy compiled into this binary */
	SNAP_ORIGIN_FILE            /* a file named by --data / MXTRACE_DATA or a path */
};

/* Flags of a source file. */
enum {
	SNAP_SRC_DATE_GIVEN = 1u << 0,      /* the file has no date; one was passed to the build */
	SNAP_SRC_COUNT_MISMATCH = 1u << 1,  /* record counts differ from its own header */
	SNAP_SRC_DEFECTS_SKIPPED = 1u << 2  /* known defective lines were skipped (see build) */
};

/* One input file the snapshot was built from. */
struct snap_source {
	char path[SNAP_PATH_MAX];   /* relative to the input directory: "rir/delegated-arin-20130813" */
	char date[11];              /* the source's own date, YYYY-MM-DD */
	uint8_t sha256[32];         /* of the file as read */
	uint64_t size;              /* bytes */
	uint32_t records;           /* records taken from it */
	uint32_t flags;             /* SNAP_SRC_* */
	uint32_t skipped;           /* known defective lines skipped */
};

/* One section of the section table (a big table is split in parts by key range). */
struct snap_section_info {
	char name[SNAP_NAME_MAX];   /* "ip4.rir", "psl", ... */
	uint32_t kind;              /* record type, see docs/SNAPSHOT.md */
	uint32_t part;              /* 0.. within a split table */
	uint32_t records;
	uint32_t clen, ulen;        /* compressed and inflated sizes */
	uint64_t sources;           /* bit i set: source i fed this section */
};

/*
 * Open a snapshot held in memory (p must outlive the snap unless copy is true). Checks the
 * magic, the version, the header and table checksums and that every section lies inside
 * the file; with check_sections also the CRC-32 of every section. Returns ST_OK, or
 * ST_MALFORMED / ST_TRUNC / ST_UNSUPPORTED (other version) / ST_NOMEM with a reason in err.
 */
int snap_open_mem(const void *p, size_t n, bool copy, bool check_sections, struct snap **out,
                  char *err, size_t errlen);
/* Read and open a snapshot file; every section's CRC-32 is checked. ST_IO if unreadable. */
int snap_open_file(const char *path, struct snap **out, char *err, size_t errlen);
/* Open the copy embedded in the binary. ST_NOTFOUND if it was built without one. */
int snap_open_embedded(struct snap **out, char *err, size_t errlen);
/*
 * The snapshot to use: DIR/mxtrace.snap when dir is non-NULL and that file opens cleanly,
 * else the embedded one. When the file in dir is missing or bad, *warned is set and warn
 * says why (the caller prints it) and the embedded copy is used. Fails only when neither
 * can be opened.
 */
int snap_open_best(const char *dir, struct snap **out, char *warn, size_t warnlen, bool *warned);
void snap_free(struct snap *s);

int snap_origin(const struct snap *s);
/* The file it was read from ("" when embedded). */
const char *snap_path(const struct snap *s);
int64_t snap_build_time(const struct snap *s);     /* Unix seconds, from the build */
void snap_version(const struct snap *s, unsigned *major, unsigned *minor);
size_t snap_source_count(const struct snap *s);
const struct snap_source *snap_source_at(const struct snap *s, size_t i);
size_t snap_section_count(const struct snap *s);
void snap_section_at(const struct snap *s, size_t i, struct snap_section_info *out);
/* Days between a YYYY-MM-DD date and Unix time now (negative if in the future). */
long snap_age_days(const char *date, int64_t now);
/*
 * Full check: inflate every section, compare its SHA-256, decode it and check ordering,
 * bounds and references. ST_OK or ST_MALFORMED with the first problem in err.
 */
int snap_verify(struct snap *s, char *err, size_t errlen);

/* ---- lookups ---- */

/* A tri-state flag of the special-purpose registries. */
enum snap_tri { SNAP_FALSE = 0, SNAP_TRUE = 1, SNAP_NA = 2, SNAP_UNKNOWN = 3 };

/* A block of addresses as its source lists it: one prefix, or a first-last range. */
struct snap_block {
	int family;                 /* 4 or 6 */
	uint8_t first[16], last[16];/* IPv4 uses the first 4 bytes */
	int plen;                   /* prefix length, or -1 when not a single prefix */
};

/* Entry of the IANA IPv4/IPv6 special-purpose address registries (RFC 6890). */
struct snap_special {
	struct snap_block block;
	const char *name;           /* "Private-Use", "Documentation (TEST-NET-1)" */
	const char *spec;           /* "RFC1918" */
	const char *allocated;      /* "1996-02" */
	const char *terminated;     /* "" when none */
	uint8_t source, destination, forwardable, global, reserved;  /* enum snap_tri */
	uint32_t asn_first, asn_last;   /* AS number tables: the range (block unused) */
};

/* Entry of the IANA address-space registries: /8s, the recovered pool, IPv6 assignments. */
struct snap_iana {
	struct snap_block block;
	const char *designation;    /* "Administered by ARIN", "APNIC", "Global Unicast" */
	const char *date;           /* as IANA writes it: "1992-12", "1999-07-01", "" */
	const char *status;         /* "ALLOCATED", "LEGACY", "RESERVED", "RECOVERED", "" */
	const char *whois;          /* "" when none */
	const char *rdap;           /* space-separated base URLs, each ending in '/'; or "" */
	const char *registry;       /* IANA registry it comes from: "ipv4-address-space", ... */
	uint32_t asn_first, asn_last;   /* AS number tables: the range (block unused) */
};

/* The RIRs and the other number registries, as the statistics files name them. */
struct snap_registry {
	const char *id;             /* "afrinic" "apnic" "arin" "lacnic" "ripencc" "iana" "ietf" */
	const char *name;           /* "RIPE NCC" */
	const char *whois;          /* "whois.ripe.net", "" when none */
	const char *rdap;           /* space-separated base URLs, or "" */
};

/* A record of an RIR (or IANA) delegated statistics file. */
struct snap_rir {
	struct snap_registry registry;  /* the file's registry */
	char cc[3];                 /* ISO 3166 code, "" when the file has none */
	uint32_t date;              /* YYYYMMDD, 0 when the file gives none */
	const char *status;         /* allocated assigned available reserved; "delegated" (IANA) */
	bool has_holder;            /* IANA's file: the registry the block was delegated to */
	struct snap_registry holder;
	struct snap_block block;    /* addresses: the record's range (plen -1 unless a prefix) */
	uint32_t asn_first, asn_last;   /* AS numbers: the record's range */
	bool partial;               /* a newer file's record took part of the original range: the
	                               range above is what is left of it */
	const struct snap_source *source;   /* the statistics file */
};

/* An RDAP bootstrap entry (RFC 9224): the block and its base URLs. */
struct snap_bootstrap {
	struct snap_block block;    /* for ASNs: first/last in asn_first/asn_last below */
	uint32_t asn_first, asn_last;
	const char *urls;           /* space-separated */
};

/* Why a lookup chose its WHOIS server. */
enum snap_why {
	SNAP_WHY_NONE = 0,          /* nothing known: ask whois.iana.org */
	SNAP_WHY_SPECIAL,           /* special-purpose, not globally reachable: no WHOIS */
	SNAP_WHY_RIR,               /* RIR statistics record */
	SNAP_WHY_IANA_DELEGATED,    /* IANA's statistics file names the RIR */
	SNAP_WHY_IANA,              /* IANA registry entry */
	SNAP_WHY_RESERVED,          /* IANA lists it reserved or unallocated: no WHOIS */
	SNAP_WHY_EMBEDDED_V4        /* IPv4-mapped, 6to4 or Teredo: decided by the IPv4 address */
};

enum snap_embed { SNAP_EMBED_NONE = 0, SNAP_EMBED_MAPPED, SNAP_EMBED_6TO4, SNAP_EMBED_TEREDO };

/* Everything the snapshot knows about one address. */
struct snap_ip_result {
	int family;                 /* 4 or 6 */
	uint8_t addr[16];           /* IPv4 in the first 4 bytes */
	bool has_special;
	struct snap_special special;    /* most specific special-purpose block */
	bool has_iana;
	struct snap_iana iana;          /* most specific IANA block */
	bool has_rir;
	struct snap_rir rir;            /* newest statistics record containing the address */
	bool has_bootstrap;
	struct snap_bootstrap bootstrap;
	int embed;                      /* enum snap_embed */
	uint8_t embedded_v4[4];         /* the IPv4 address inside, when embed != NONE */
	/* The decision: WHOIS server to ask first ("" = none: do not ask), port 43, and the
	 * RDAP base URL ("" if unknown, https preferred); why says which data decided. */
	const char *whois;
	char rdap[SNAP_URL_MAX];
	int why;                        /* enum snap_why */
};

/* Everything the snapshot knows about one AS number. */
struct snap_asn_result {
	uint32_t asn;
	bool has_special;
	struct snap_special special;    /* IANA special-purpose AS numbers (RFC 7249) */
	bool has_iana;
	struct snap_iana iana;          /* IANA AS number registries (16- and 32-bit) */
	bool has_rir;
	struct snap_rir rir;
	bool has_bootstrap;
	struct snap_bootstrap bootstrap;
	const char *whois;              /* as in struct snap_ip_result */
	char rdap[SNAP_URL_MAX];
	int why;
};

/* TLD flags. */
enum {
	SNAP_TLD_DELEGATED = 1u << 0,   /* in the root zone per the IANA root zone database */
	SNAP_TLD_LISTED = 1u << 1,      /* in IANA's tlds-alpha-by-domain.txt */
	SNAP_TLD_NO_PORT43 = 1u << 2,   /* delegated, but IANA lists no WHOIS server */
	SNAP_TLD_RDAP_BOOTSTRAP = 1u << 3 /* has an entry in IANA's RDAP dns.json */
};

struct snap_tld {
	char name[SNAP_TLD_MAX];    /* ASCII, lower case ("xn--..." for IDN TLDs) */
	const char *type;           /* "generic", "country-code", "sponsored", ... or "" */
	const char *sponsor;        /* IANA's TLD manager, or "" */
	const char *whois;          /* registry WHOIS server, "" when none is known */
	const char *rdap;           /* space-separated RDAP base URLs, or "" */
	uint32_t flags;             /* SNAP_TLD_* */
};

/* Public Suffix List sections. */
enum snap_psl_section { SNAP_PSL_NONE = 0, SNAP_PSL_ICANN, SNAP_PSL_PRIVATE };

/* A domain name reduced to its registered domain by the Public Suffix List. */
struct snap_domain {
	char ascii[SNAP_DOMAIN_MAX];        /* the input in ASCII (IDNA), lower case */
	/* With all rules (ICANN and private): */
	char suffix[SNAP_DOMAIN_MAX];       /* public suffix */
	char registered[SNAP_DOMAIN_MAX];   /* suffix + one label; "" if the name is a suffix */
	int section;                        /* enum snap_psl_section of the deciding rule;
	                                       NONE: only the implicit "*" rule matched */
	bool wildcard;                      /* the deciding rule was a wildcard */
	bool exception;                     /* an exception rule decided */
	/* With the ICANN section only: what registries and registrars know (use for WHOIS). */
	char icann_suffix[SNAP_DOMAIN_MAX];
	char icann_registered[SNAP_DOMAIN_MAX];
	bool has_tld;
	struct snap_tld tld;                /* the name's TLD */
};

struct snap_root_server {
	char name[SNAP_DOMAIN_MAX];         /* "a.root-servers.net" (lower case, no final dot) */
	bool has_v4, has_v6;
	uint8_t v4[4];
	uint8_t v6[16];
};

/* What a query string looks like. */
enum snap_qkind { SNAP_Q_INVALID = 0, SNAP_Q_IP, SNAP_Q_ASN, SNAP_Q_TLD, SNAP_Q_DOMAIN };

/*
 * Classify a user query: an IPv4/IPv6 address (optionally "/len", the first address is
 * used), "AS15169" / "as15169" / "AS 15169" / asdot "AS1.10" (a bare number is an address
 * only if inet_pton takes it, which it does not), a name without a dot (TLD), or a name.
 */
int snap_classify(const char *q, size_t n);
/* Parse "AS15169", "as 15169", "15169" or asdot "1.10" (with or without "AS"). */
bool snap_parse_asn(const char *q, size_t n, uint32_t *asn);
/* Parse an IPv4/IPv6 address, optionally with "/len"; family 4 or 6, addr as in results. */
bool snap_parse_ip(const char *q, size_t n, int *family, uint8_t addr[16]);

/*
 * Look up an address. Returns ST_OK (the result says what is known; has_* false when a
 * layer has nothing), or ST_MALFORMED when a needed section is damaged (err says which).
 */
int snap_lookup_ip(struct snap *s, int family, const uint8_t addr[16], struct snap_ip_result *r,
                   char *err, size_t errlen);
/*
 * The same decision (whois, rdap, why, embed) for callers that only need the server to ask,
 * about twice as fast: the special-purpose and statistics layers are always filled, the IANA
 * layer only when no statistics record decided, the bootstrap only when no other RDAP URL
 * was found (has_iana / has_bootstrap may then be false although the snapshot knows them).
 */
int snap_route_ip(struct snap *s, int family, const uint8_t addr[16], struct snap_ip_result *r,
                  char *err, size_t errlen);
int snap_lookup_asn(struct snap *s, uint32_t asn, struct snap_asn_result *r, char *err,
                    size_t errlen);
/* The decision only, like snap_route_ip: statistics layer first, the others when needed. */
int snap_route_asn(struct snap *s, uint32_t asn, struct snap_asn_result *r, char *err,
                   size_t errlen);
/* TLD in ASCII or UTF-8 (converted with IDNA), with or without a leading dot. ST_NOTFOUND
 * when IANA does not list it, ST_INVAL when it is not one label. */
int snap_lookup_tld(struct snap *s, const char *tld, size_t n, struct snap_tld *r, char *err,
                    size_t errlen);
/*
 * Reduce a domain name (UTF-8 or ASCII; case-insensitive; a final dot is ignored) to its
 * public suffix and registered domain. ST_OK, or ST_INVAL when the name is not a valid
 * domain name (empty label, leading dot, too long, bad UTF-8). A name that is itself a public
 * suffix gives ST_OK with registered "" (the PSL test vectors' "null"). ST_MALFORMED, as for
 * every lookup, means a damaged snapshot section.
 */
int snap_lookup_domain(struct snap *s, const char *name, size_t n, struct snap_domain *r,
                       char *err, size_t errlen);
/* The root hints. *list points into the snapshot. */
int snap_root_hints(struct snap *s, const struct snap_root_server **list, size_t *n,
                    const char **date, char *err, size_t errlen);

/* Text helpers for results. */
const char *snap_why_str(int why);
/* "192.0.2.0/24" or "192.0.2.0-192.0.2.9" into out (SNAP_RANGE_TEXT bytes). */
void snap_block_fmt(const struct snap_block *b, char *out, size_t outlen);
/* An address (4 or 16 bytes by family) as text into out (SNAP_ADDR_TEXT bytes). */
void snap_addr_fmt(int family, const uint8_t *addr, char *out, size_t outlen);

#endif
