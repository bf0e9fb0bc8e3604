/* Fuzz target: a sanitised header value can never start a new header line or carry controls. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *v = malloc(size + 1);
	struct buf b;
	size_t i, line = 0;

	if (!v)
		return 0;
	memcpy(v, data, size);
	v[size] = 0;
	buf_init(&b, 0);
	report_header_value(&b, v, 9);
	for (i = 0; i < b.len; i++) {
		uint8_t c = b.data[i];

		if (c == '\n') {
			if (i + 1 >= b.len || b.data[i + 1] != ' ')
				abort();      /* an unfolded newline would start a new header */
			line = 0;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			abort();
		if (++line > 998)
			abort();
	}
	buf_reset(&b);
	free(v);
	return 0;
}
