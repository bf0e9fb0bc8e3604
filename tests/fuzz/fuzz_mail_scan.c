/* Fuzz target: the address scanner (with and without HTML reduction first). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "html.h"
#include "mail_addr.h"
#include "mail_scan.h"
#include "status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_hit(void *ctx, const struct scan_hit *h)
{
	const char *at = h->addr + h->local_len;

	(void)ctx;
	if (*at != '@' || h->off + h->len > h->text_len)
		abort();
	if (maddr_check_local(h->addr, h->local_len) != MADDR_OK ||
	    maddr_check_domain(at + 1, strlen(at + 1)) != MADDR_OK)
		abort();                               /* only valid addresses come out */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf b;

	mail_scan((const char *)data, size, check_hit, NULL);
	buf_init(&b, 0);
	if (html_to_text((const char *)data, size, &b, NULL) == ST_OK)
		mail_scan(b.data ? (const char *)b.data : "", b.len, check_hit, NULL);
	buf_reset(&b);
	return 0;
}
