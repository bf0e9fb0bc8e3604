/* Fuzz target: the DNS message parser, its printers and the name text round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dns_msg.h"
#include "json.h"
#include "status.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Presentation text must read back as the very same wire name. */
static void round_trip(const struct dns_name *nm)
{
	struct dns_name back;
	struct buf b;
	const char *why;

	buf_init(&b, DNS_MAX_NAME_TEXT);
	if (dns_name_to_text(nm, &b) != ST_OK)
		abort();
	if (dns_name_from_text((const char *)b.data, b.len, &back, &why) != ST_OK)
		abort();
	if (back.len != nm->len || memcmp(back.wire, nm->wire, nm->len) != 0)
		abort();
	buf_reset(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_msg *m = NULL;
	struct dns_err err;
	struct buf b;
	struct json j;
	size_t i;
	int st;

	st = dns_msg_parse(data, size, &m, &err);
	if (st != ST_OK) {
		/* A refusal always names its defect. */
		if (m || err.msg[0] == '\0')
			abort();
		return 0;
	}
	if (m->an + m->ns + m->ar != m->nrr)
		abort();
	for (i = 0; i < m->nqd; i++)
		round_trip(&m->qd[i].name);
	for (i = 0; i < m->nrr; i++)
		round_trip(&m->rr[i].owner);
	buf_init(&b, 1u << 24);
	if (dns_msg_to_text(m, &b) != ST_OK)
		abort();
	/* Presentation output is printable ASCII plus tabs and newlines. */
	for (i = 0; i < b.len; i++)
		if ((b.data[i] < 0x20 && b.data[i] != '\t' && b.data[i] != '\n') || b.data[i] > 0x7e)
			abort();
	buf_reset(&b);
	json_init(&j, &b, false);
	dns_msg_to_json(m, &j);
	if (json_finish(&j) != ST_OK || !utf8_valid(b.data, b.len))
		abort();
	buf_reset(&b);
	if (m->nqd == 1)
		(void)dns_reply_match(data, size, m->id, &m->qd[0].name, m->qd[0].type,
		                      m->qd[0].qclass);
	dns_msg_free(m);
	return 0;
}
