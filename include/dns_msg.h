/* DNS message codec: names, query builder, hostile-input parser, presentation and JSON output. */
#ifndef MXTRACE_DNS_MSG_H
#define MXTRACE_DNS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"

#define DNS_HEADER_LEN 12          /* RFC 1035 §4.1.1 */
#define DNS_MAX_LABEL 63           /* RFC 1035 §2.3.4 */
#define DNS_MAX_NAME 255           /* RFC 1035 §2.3.4: wire octets, root byte included */
#define DNS_MAX_NAME_TEXT 1024     /* presentation form with every octet as \DDD, plus NUL */
#define DNS_MAX_PTR_HOPS 128       /* compression pointers per name (c-ares ARES_MAX_INDIRS) */
#define DNS_MAX_MSG 65535          /* RFC 1035 §4.2.2: TCP length is 16 bits */
#define DNS_EDNS_SIZE 1232         /* DNS flag day 2020 payload size, as dig and c-ares */
#define DNS_QUERY_MAX 512          /* 12 + 255 + 4 + 11-byte OPT fits easily */
#define DNS_TTL_MAX 0x7fffffffu    /* RFC 2181 §8: a TTL with the top bit set means 0 */

enum dns_type {
	DNS_T_A = 1, DNS_T_NS = 2, DNS_T_CNAME = 5, DNS_T_SOA = 6, DNS_T_PTR = 12,
	DNS_T_HINFO = 13, DNS_T_MX = 15, DNS_T_TXT = 16, DNS_T_AAAA = 28, DNS_T_SRV = 33,
	DNS_T_DNAME = 39, DNS_T_OPT = 41, DNS_T_ANY = 255, DNS_T_CAA = 257
};
enum dns_class { DNS_C_IN = 1, DNS_C_CH = 3, DNS_C_ANY = 255 };
enum dns_rcode {
	DNS_R_NOERROR = 0, DNS_R_FORMERR = 1, DNS_R_SERVFAIL = 2, DNS_R_NXDOMAIN = 3,
	DNS_R_NOTIMP = 4, DNS_R_REFUSED = 5, DNS_R_BADVERS = 16, DNS_R_BADCOOKIE = 23
};
enum dns_section { DNS_SEC_HEADER, DNS_SEC_QUESTION, DNS_SEC_ANSWER, DNS_SEC_AUTHORITY,
	DNS_SEC_ADDITIONAL };

/* A name in uncompressed wire form: length-prefixed labels ending with the root byte.
 * len is the wire length (1 for the root, at most DNS_MAX_NAME). Label octets are
 * arbitrary bytes (dots, NULs, 8-bit) and only escaped when printed. */
struct dns_name {
	uint8_t len;
	uint8_t wire[DNS_MAX_NAME];
};

/*
 * Presentation text → wire name. Accepts `\.`, `\\`, `\X` and `\DDD` (000-255) escapes,
 * an optional final dot, and "." for the root. Empty labels, labels over 63 octets and
 * names over 255 wire octets (253 characters without escapes) are refused with
 * ST_MALFORMED or ST_TOOBIG and a static reason in *why (may be NULL).
 */
int dns_name_from_text(const char *s, size_t n, struct dns_name *out, const char **why);
/* Append the presentation form (final dot included; special and non-printable octets
 * escaped as \X or \DDD, so the result is printable ASCII) to out. */
int dns_name_to_text(const struct dns_name *nm, struct buf *out);
/* The same into a fixed array of DNS_MAX_NAME_TEXT bytes (always fits). */
void dns_name_str(const struct dns_name *nm, char out[DNS_MAX_NAME_TEXT]);
/* ASCII case-insensitive equality (RFC 4343); other octets compare exactly. */
bool dns_name_eq(const struct dns_name *a, const struct dns_name *b);
/* True if child is parent or below it. */
bool dns_name_under(const struct dns_name *child, const struct dns_name *parent);
/* Number of labels (0 for the root). */
unsigned dns_name_labels(const struct dns_name *nm);
/* True if every label is a host name label (LDH, '_' allowed): RFC 952/1123 plus SRV use. */
bool dns_name_is_hostname(const struct dns_name *nm);

/* One resource record. Names are expanded copies; rdoff/rdlen locate the raw RDATA in the
 * message for types kept opaque (RFC 3597) and for TXT. */
struct dns_rr {
	struct dns_name owner;
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;            /* as received; use dns_ttl() for the RFC 2181 value */
	uint16_t rdlen;
	size_t rdoff;
	bool opaque;             /* RDATA not decoded (unknown type, or empty in an UPDATE) */
	union {
		uint8_t a[4];
		uint8_t aaaa[16];
		struct dns_name target;          /* NS, CNAME, PTR, DNAME */
		struct {
			uint16_t pref;
			struct dns_name exchange;
		} mx;
		struct {
			struct dns_name mname, rname;
			uint32_t serial, refresh, retry, expire, minimum;
		} soa;
		struct {
			uint16_t prio, weight, port;
			struct dns_name target;
		} srv;
	} d;
};

struct dns_question {
	struct dns_name name;
	uint16_t type;
	uint16_t qclass;
};

/*
 * A parsed message. It owns a copy of the wire bytes; the records live in one array in
 * section order: rr[0 .. an) answer, rr[an .. an+ns) authority, then additional (the OPT
 * record is not in the array, it is decoded into the edns_* members).
 */
struct dns_msg {
	uint8_t *wire;
	size_t len;
	uint16_t id;
	bool qr, aa, tc, rd, ra, z, ad, cd;
	uint8_t opcode;
	uint16_t rcode;          /* 12 bits: header RCODE plus the OPT extension */
	uint16_t qdcount, ancount, nscount, arcount;    /* as in the header */
	struct dns_question *qd;
	size_t nqd;
	struct dns_rr *rr;
	size_t nrr, an, ns, ar;
	bool has_opt;
	uint16_t edns_udp;       /* OPT CLASS: requestor's payload size */
	uint8_t edns_version;
	bool edns_do;
	uint16_t edns_z;         /* the flag bits after DO */
	size_t opt_rdoff;
	uint16_t opt_rdlen;
	size_t trailing;         /* octets after the last record: tolerated, reported */
};

/* Why a message was refused: the status, where, and a sentence naming the defect. */
struct dns_err {
	int st;                  /* ST_TRUNC (ran out of bytes) or ST_MALFORMED or ST_TOOBIG */
	enum dns_section section;
	long index;              /* record number within the section, -1 for the header */
	size_t offset;           /* byte offset in the message where the defect is */
	char msg[192];           /* e.g. "answer record 2 (A) at offset 45: RDLENGTH 5, must be 4" */
};

/*
 * Parse a message received from a peer, following the hostile-input rules of
 * dns-anchors.md §2.1: 12-byte minimum, at most DNS_MAX_MSG; records read sequentially
 * (header counts never size an allocation); compression pointers strictly backwards with
 * a hop cap, never into the header; label and name limits on the expanded name; reserved
 * label types refused; RDLENGTH within the message and exact for A, AAAA, NS, CNAME, PTR,
 * DNAME, MX, SOA, SRV, TXT (with bounded inner lengths) and OPT (options fill it exactly);
 * pointers only in the RDATA of RFC 1035 types; at most one OPT, owned by the root, in the
 * additional section; other types kept opaque. On success *out is a new message (free
 * with dns_msg_free); on failure *out is NULL and err (may be NULL) says why.
 */
int dns_msg_parse(const uint8_t *p, size_t n, struct dns_msg **out, struct dns_err *err);
/* Free a parsed message; NULL is a no-op. */
void dns_msg_free(struct dns_msg *m);

/* RFC 2181 §8: values with the top bit set are treated as 0. */
uint32_t dns_ttl(uint32_t ttl);

/* ---- reply matching (RFC 5452 §9.1, djbdns irrelevant()) ---- */

enum dns_match {
	DNS_MATCH_OK = 0,
	DNS_MATCH_SHORT,        /* shorter than a header */
	DNS_MATCH_ID,
	DNS_MATCH_NOT_RESPONSE, /* QR = 0 */
	DNS_MATCH_OPCODE,
	DNS_MATCH_QDCOUNT,      /* not exactly one question */
	DNS_MATCH_QNAME,        /* different name, or a name that cannot be read */
	DNS_MATCH_QTYPE,
	DNS_MATCH_QCLASS,
	DNS_MATCH_FORMERR_NOQ   /* FORMERR with ID but no question: see dns_reply_match() */
};

/*
 * Does the datagram answer the query (id, qname, qtype, qclass, opcode 0)? Checks only the
 * header and the question, so a spoofed or stray datagram is dropped rather than ending the
 * query; a matching reply whose records are malformed is still matched (and refused later
 * by dns_msg_parse). Names compare case-insensitively. A FORMERR with the right ID and
 * QDCOUNT 0 returns DNS_MATCH_FORMERR_NOQ: servers without EDNS answer that way, and the
 * caller decides whether to accept it (only when it sent an OPT record).
 */
enum dns_match dns_reply_match(const uint8_t *p, size_t n, uint16_t id,
                               const struct dns_name *qname, uint16_t qtype, uint16_t qclass);
/* "wrong ID", "wrong question name", ... (static strings). */
const char *dns_match_str(enum dns_match m);

/* ---- query builder ---- */

struct dns_query_opts {
	uint16_t id;
	bool rd;                 /* recursion desired */
	uint16_t edns_size;      /* 0: no OPT record */
	bool edns_do;
};

/* Build a query for (qname, qtype, qclass) into out[0..cap). *len receives the size.
 * ST_TOOBIG if cap is too small (DNS_QUERY_MAX always suffices). */
int dns_query_build(const struct dns_name *qname, uint16_t qtype, uint16_t qclass,
                    const struct dns_query_opts *o, uint8_t *out, size_t cap, size_t *len);

/* ---- presentation ---- */

#define DNS_TYPE_STRLEN 16
/* "A", "MX", ... or "TYPE65" (RFC 3597) for types without a mnemonic. */
const char *dns_type_str(uint16_t type, char out[DNS_TYPE_STRLEN]);
/* "IN", "CH", "ANY" or "CLASS7" (RFC 3597). */
const char *dns_class_str(uint16_t cls, char out[DNS_TYPE_STRLEN]);
/* "NOERROR", "NXDOMAIN", ... or "RCODE23". */
const char *dns_rcode_str(uint16_t rcode, char out[DNS_TYPE_STRLEN]);
/* Mnemonic (any case), "TYPEn" or a decimal number 0..65535 → type. False if unknown. */
bool dns_type_from_text(const char *s, uint16_t *out);

/* RDATA in presentation form (dig style; unknown types as RFC 3597 "\# len hex"). */
int dns_rdata_to_text(const struct dns_msg *m, const struct dns_rr *rr, struct buf *out);
/* "owner TTL CLASS TYPE RDATA" separated by tabs. */
int dns_rr_to_text(const struct dns_msg *m, const struct dns_rr *rr, struct buf *out);
/* The whole message in dig's layout (header, flags, OPT, sections). */
int dns_msg_to_text(const struct dns_msg *m, struct buf *out);
/* The whole message as one JSON object after RFC 8427 ("ID", "QR", ..., "questionRRs",
 * "answerRRs" with "rdataMX" style presentation values). */
void dns_msg_to_json(const struct dns_msg *m, struct json *j);

/* ---- saved messages ---- */

/* True if the bytes look like a hex dump (hex digits, white space, ';'/'#' comments) rather
 * than a raw message. */
bool dns_looks_hex(const uint8_t *p, size_t n);
/* Decode a hex dump (comments from ';' or '#' to the end of the line, white space and
 * an optional "0x" before each group ignored) into out. ST_MALFORMED with *why on an odd
 * digit count or another character. */
int dns_hex_decode(const uint8_t *p, size_t n, struct buf *out, const char **why);

#endif
