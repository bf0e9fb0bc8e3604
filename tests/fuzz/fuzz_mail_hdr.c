/* Fuzz target: header section parser, unfolding, address lists, RFC 2047 and MIME params. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mail_addr.h"
#include "mail_hdr.h"
#include "rfc2047.h"
#include "status.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail_hdr h;
	struct buf v, d;
	size_t i, k;

	if (mail_hdr_parse((const char *)data, size, 64 * 1024, 2000, &h) != ST_OK) {
		mail_hdr_free(&h);
		return 0;
	}
	if (h.body_off > size)
		abort();
	buf_init(&v, 0);
	buf_init(&d, 0);
	for (i = 0; i < h.n; i++) {
		struct maddr_list l;

		if (h.f[i].raw.p < (const char *)data ||
		    h.f[i].raw.p + h.f[i].raw.n > (const char *)data + size)
			abort();
		buf_clear(&v);
		buf_clear(&d);
		mail_hdr_unfold(h.f[i].raw, &v);
		if (memchr(v.data ? (const char *)v.data : "", '\n', v.len))
			abort();                       /* unfolded text has no line ends */
		rfc2047_decode((const char *)v.data, v.len, &d, NULL);
		if (!d.err && !utf8_valid(d.data, d.len))
			abort();                       /* decoded text is always UTF-8 */
		if (maddr_parse((const char *)v.data, v.len, &l) == ST_OK) {
			for (k = 0; k < l.n; k++)
				if (!(l.a[k].flags & MADDR_EMPTY) && (!l.a[k].local || !l.a[k].domain))
					abort();
			maddr_list_free(&l);
		}
		buf_clear(&d);
		mail_param((const char *)v.data, v.len, "boundary", &d);
		buf_clear(&d);
		mail_param((const char *)v.data, v.len, "filename", &d);
	}
	buf_reset(&v);
	buf_reset(&d);
	mail_hdr_free(&h);
	return 0;
}
