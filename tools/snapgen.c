/* snapgen: build data/mxtrace.snap from registry files (what `make data` runs). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "snap_build.h"
#include "status.h"
#include "text.h"

static int usage(void)
{
	fprintf(stderr, "usage: snapgen --from DIR --out DIR [--source-date PATH=YYYY-MM-DD]... "
	                "[--build-time UNIXSECONDS] [--known-defects FILE]\n");
	return EXIT_USAGE;
}

/*
 * Reads the inputs under --from (the layout of ../shared/data: iana/, rir/, dns/,
 * whois-servers/iana-root-db/) and writes OUT/mxtrace.snap. Malformed input lines are
 * refused with "path:line: reason" and exit 65; a missing input exits 66.
 */
int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "source-date", required_argument, NULL, 'd' },
		{ "build-time", required_argument, NULL, 't' },
		{ "known-defects", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct snap_build_opts o;
	struct buf msg;
	uint64_t v;
	int c, st;

	memset(&o, 0, sizeof(o));
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': o.from = optarg; break;
		case 'o': o.out = optarg; break;
		case 'k': o.defects = optarg; break;
		case 'd':
			if (o.ndates >= SNAP_BUILD_MAX_DATES)
				return usage();
			o.dates[o.ndates++] = optarg;
			break;
		case 't':
			if (!parse_uint(optarg, strlen(optarg), 4102444800u, &v))
				return usage();
			o.has_build_time = true;
			o.build_time = (int64_t)v;
			break;
		default:
			return usage();
		}
	}
	if (!o.from || !o.out || optind != argc)
		return usage();
	buf_init(&msg, 1u << 20);
	st = snap_build(&o, &msg);
	if (msg.len)
		fprintf(stderr, "%s%s", st ? "snapgen: " : "", buf_str(&msg));
	if (st && msg.len && msg.data[msg.len - 1] != '\n')
		fputc('\n', stderr);
	buf_reset(&msg);
	if (st == ST_OK) {
		fprintf(stderr, "snapgen: wrote %s/mxtrace.snap\n", o.out);
		return EXIT_FOUND;
	}
	return st == ST_MALFORMED ? EXIT_DATAERR : st == ST_NOTFOUND ? EXIT_NOINPUT
	       : st == ST_IO ? EXIT_CANTCREAT : EXIT_SOFTWARE;
}
