/* Fuzz target: the JSON reader never crashes, and every string it returns is valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonr.h"
#include "status.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const struct jr_val *v)
{
	size_t i;

	if (v->type == JR_STR && !utf8_valid(v->str, v->len))
		abort();
	for (i = 0; i < v->n; i++) {
		if (v->type == JR_OBJ && !utf8_valid(v->keys[i], strlen(v->keys[i])))
			abort();
		walk(&v->items[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pos = 0, used;
	struct jr_val *v;

	while (pos < size && jr_parse((const char *)data + pos, size - pos, 1, &used, &v, NULL) ==
	                         ST_OK) {
		walk(v);
		jr_free(v);
		if (used == 0)
			break;
		pos += used;
	}
	return 0;
}
