/* Fuzz target: terminal and JSON escaping must always produce valid UTF-8 without controls. */
#include <stdint.h>
#include <stdlib.h>

#include "buf.h"
#include "json.h"
#include "status.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf b;
	struct json j;
	size_t i;

	buf_init(&b, 0);
	if (text_sanitize(&b, data, size, false) == ST_OK) {
		if (!utf8_valid(b.data, b.len))
			abort();
		for (i = 0; i < b.len; i++)
			if (b.data[i] < 0x20 || b.data[i] == 0x7f)
				abort();
	}
	buf_reset(&b);
	json_init(&j, &b, false);
	json_strn(&j, data, size);
	if (json_finish(&j) == ST_OK) {
		if (!utf8_valid(b.data, b.len))
			abort();
		for (i = 0; i < b.len; i++)
			if (b.data[i] < 0x20)
				abort();
	}
	buf_reset(&b);
	return 0;
}
