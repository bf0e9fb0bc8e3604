/* Snapshot file layout shared by the reader (snap.c), the lookups and the builder. */
#ifndef MXTRACE_SNAP_INT_H
#define MXTRACE_SNAP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snap.h"

/*
 * File layout (docs/SNAPSHOT.md has the full description). All integers are big-endian.
 *
 *   header      SNAP_HDR_LEN bytes
 *   sources     nsources  x SNAP_SRC_LEN
 *   sections    nsections x SNAP_SEC_LEN
 *   payloads    zlib streams, in section-table order, back to back
 */
#define SNAP_MAGIC "MXTSNAP"            /* 7 characters + NUL = 8 bytes */
#define SNAP_HDR_LEN 64
#define SNAP_SRC_LEN 168
#define SNAP_SEC_LEN 128
#define SNAP_MAX_SOURCES 64             /* one bit each in a section's source mask */
#define SNAP_MAX_SECTIONS 4096
#define SNAP_MAX_ULEN (64u << 20)       /* inflated size of one section */
#define SNAP_MAX_FILE (256u << 20)
#define SNAP_PAYLOAD_HDR 20
#define SNAP_PART_PIECES 4096           /* pieces per part of a split table */

/* Header offsets. */
enum {
	HDR_MAGIC = 0, HDR_MAJOR = 8, HDR_MINOR = 10, HDR_META_LEN = 12, HDR_BUILD_TIME = 16,
	HDR_FILE_LEN = 24, HDR_NSOURCES = 32, HDR_NSECTIONS = 36, HDR_META_CRC = 40,
	HDR_CRC = 60
};

/* Source entry offsets. */
enum {
	SRC_PATH = 0, SRC_DATE = 96, SRC_SHA = 112, SRC_SIZE = 144, SRC_RECORDS = 152,
	SRC_FLAGS = 156, SRC_SKIPPED = 160
};

/* Section entry offsets. */
enum {
	SEC_NAME = 0, SEC_KIND = 24, SEC_PART = 28, SEC_KEY_LO = 32, SEC_OFFSET = 48,
	SEC_CLEN = 56, SEC_ULEN = 60, SEC_CRC = 64, SEC_RECORDS = 68, SEC_SHA = 72,
	SEC_SOURCES = 104
};

/* Record types (a section's kind). */
enum snap_rectype {
	RT_SPECIAL = 1,     /* special-purpose block */
	RT_IANA = 2,        /* IANA registry block */
	RT_RIR = 3,         /* delegated statistics record */
	RT_BOOT = 4,        /* RDAP bootstrap entry */
	RT_REGISTRY = 10,   /* registry id -> name, WHOIS, RDAP */
	RT_TLD = 11,
	RT_PSL = 12,
	RT_ROOT = 13
};

/* Status codes of RT_RIR records. */
enum snap_rir_status {
	RS_ALLOCATED = 0, RS_ASSIGNED, RS_AVAILABLE, RS_RESERVED, RS_DELEGATED, RS__COUNT
};
#define RIR_NO_HOLDER 255
#define RIR_FLAG_CUT 1u                 /* a newer record took part of this one's range */

/* PSL flags: which kinds of rule exist for a name, per section. */
enum {
	PSL_NORMAL_ICANN = 1u << 0, PSL_NORMAL_PRIVATE = 1u << 1,
	PSL_WILD_ICANN = 1u << 2, PSL_WILD_PRIVATE = 1u << 3,     /* "*.name" */
	PSL_EXCEPT_ICANN = 1u << 4, PSL_EXCEPT_PRIVATE = 1u << 5  /* "!name" */
};

/* Root hint entry flags. */
enum { ROOT_HAS_V4 = 1u << 0, ROOT_HAS_V6 = 1u << 1 };

/* The tables a snapshot may hold; sections with other names are checked but not used. */
enum snap_tab {
	T_REGISTRY = 0, T_IP4_SPECIAL, T_IP4_IANA, T_IP4_RIR, T_IP4_RDAP,
	T_IP6_SPECIAL, T_IP6_IANA, T_IP6_RIR, T_IP6_RDAP,
	T_ASN_SPECIAL, T_ASN_IANA, T_ASN_RIR, T_ASN_RDAP,
	T_TLD, T_PSL, T_ROOT, T__COUNT
};

/* Name, record type and key length (0: a sorted list, not ranges) of each table. */
struct snap_tabdef {
	const char *name;
	int rectype;
	int keylen;
};
extern const struct snap_tabdef snap_tabdefs[T__COUNT];

/* Record length of a record type for a key length; 0 for an unknown combination. */
size_t snap_reclen(int rectype, int keylen);

/* 128-bit key, compared as (hi, lo). IPv4 and AS numbers live in lo. */
struct k128 {
	uint64_t hi, lo;
};

static inline int k128_cmp(struct k128 a, struct k128 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

/* A decoded section. Records stay in their serialised form; pieces are native arrays. */
struct snap_table {
	int rectype, keylen;
	size_t reclen;
	uint32_t npieces, nrecs, poollen;
	uint32_t *s32, *e32;            /* keylen 4 */
	struct k128 *s128, *e128;       /* keylen 16 */
	uint32_t *rec;                  /* record index of each piece */
	const uint8_t *recs;            /* nrecs x reclen, row-major (owned, in arrays) */
	const char *pool;               /* poollen bytes, inside payload */
	uint8_t *payload;               /* the inflated section (owned) */
	void *arrays;                   /* one allocation: piece arrays and records (owned) */
};

struct snap_sect {
	char name[SNAP_NAME_MAX];
	uint32_t kind, part, records, clen, ulen, crc;
	struct k128 key_lo;
	uint64_t offset, sources;
	uint8_t sha[32];
	int state;                      /* 0 not loaded, 1 loaded, -1 failed */
	struct snap_table *tab;
};

struct snap {
	const uint8_t *data;
	size_t len;
	uint8_t *owned;                 /* data when copied or read from a file */
	int origin;
	char path[4096];
	unsigned major, minor;
	int64_t build_time;
	struct snap_source *sources;
	uint32_t nsources;
	struct snap_sect *sects;
	struct k128 *keys;              /* key_lo of every section, contiguous for searches */
	uint32_t nsects;
	int tab_first[T__COUNT];        /* first section of each table, -1 if absent */
	int tab_count[T__COUNT];
	char root_date[11];
	struct snap_root_server *roots; /* decoded root hints (owned) */
	size_t nroots;
};

/* Big-endian helpers. */
static inline uint32_t snap_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t snap_be64(const uint8_t *p)
{
	return (uint64_t)snap_be32(p) << 32 | snap_be32(p + 4);
}

static inline void snap_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void snap_put64(uint8_t *p, uint64_t v)
{
	snap_put32(p, (uint32_t)(v >> 32));
	snap_put32(p + 4, (uint32_t)v);
}

/* Key of keylen bytes at p as a k128. */
struct k128 snap_key_get(const uint8_t *p, int keylen);

/* LEB128 varint of up to 128 bits; returns bytes used, 0 when malformed or past end. */
size_t snap_varint_get(const uint8_t *p, size_t n, struct k128 *v);
/* Append a varint to out (at most 19 bytes); returns bytes written. */
size_t snap_varint_put(uint8_t *out, struct k128 v);

/*
 * Load (inflate, decode, check) section i if not yet done. Returns ST_OK, or ST_MALFORMED /
 * ST_NOMEM with the reason in err.
 */
int snap_load(struct snap *s, uint32_t i, char *err, size_t errlen);
/* Index of the string field at byte offset off of record r: checked at load time. */
static inline const char *snap_str(const struct snap_table *t, const uint8_t *r, size_t off)
{
	return t->pool + snap_be32(r + off);
}
/* Record rec of a loaded table. */
static inline const uint8_t *snap_rec(const struct snap_table *t, uint32_t i)
{
	return t->recs + (size_t)i * t->reclen;
}
/* Embedded snapshot, generated from data/ at build time (size 0 when built without). */
extern const unsigned char snap_embedded[];
extern const size_t snap_embedded_len;

const char *snap_rir_status_str(int st);

#endif
