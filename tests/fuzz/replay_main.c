/* Replays fuzz corpora through a libFuzzer target without libFuzzer: every file, in order. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT (4u << 20)

static unsigned long nfiles;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data;
	size_t n;

	if (!f) {
		perror(path);
		return 1;
	}
	data = malloc(REPLAY_MAX_INPUT);
	if (!data) {
		fclose(f);
		return 1;
	}
	n = fread(data, 1, REPLAY_MAX_INPUT, f);
	fclose(f);
	/* Exact-size copy so ASan catches any read past the input. */
	{
		uint8_t *exact = malloc(n ? n : 1);

		if (!exact) {
			free(data);
			return 1;
		}
		memcpy(exact, data, n);
		free(data);
		LLVMFuzzerTestOneInput(exact, n);
		free(exact);
	}
	nfiles++;
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	int r = 0;

	if (stat(path, &st) != 0) {
		perror(path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	d = opendir(path);
	if (!d) {
		perror(path);
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		char *full;
		size_t len;

		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap ? cap * 2 : 64) * sizeof(*names));

			if (!nn) {
				r = 1;
				break;
			}
			names = nn;
			cap = cap ? cap * 2 : 64;
		}
		len = strlen(path) + strlen(e->d_name) + 2;
		full = malloc(len);
		if (!full) {
			r = 1;
			break;
		}
		snprintf(full, len, "%s/%s", path, e->d_name);
		names[n++] = full;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp);
	for (i = 0; i < n; i++) {
		if (!r)
			r = run_path(names[i]);
		free(names[i]);
	}
	free(names);
	return r;
}

int main(int argc, char **argv)
{
	int i, r = 0;

	for (i = 1; i < argc && !r; i++)
		r = run_path(argv[i]);
	printf("replayed %lu inputs\n", nfiles);
	return r;
}
