/* Fuzz target: the MIME walker and the whole addrs analysis of one message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addrs.h"
#include "mime.h"
#include "status.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_text(void *ctx, const char *t, size_t n, const struct mime_part_info *pi)
{
	(void)ctx;
	(void)pi;
	if (!utf8_valid(t, n))
		abort();                               /* every leaf reaches us as UTF-8 */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mime_cb cb = { NULL, NULL, on_text, NULL };
	struct mime_limits lim;
	struct addrs_result *r = NULL;
	struct addrs_opts o;
	size_t i;

	memset(&lim, 0, sizeof(lim));
	lim.max_header = 64 * 1024;
	mime_walk((const char *)data, size, &lim, &cb);
	memset(&o, 0, sizeof(o));
	o.max_header = 64 * 1024;
	if (addrs_analyze(data, size, &o, &r) == ST_OK) {
		for (i = 0; i < r->ncand; i++) {
			if (r->cand[i].score < 1 || r->cand[i].score > 100 || !r->cand[i].nev)
				abort();
			if (i && r->cand[i].score > r->cand[i - 1].score)
				abort();                       /* sorted best first */
		}
		addrs_result_free(r);
	}
	return 0;
}
