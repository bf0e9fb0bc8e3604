/* mbox splitting (mboxo/mboxrd) and loading of input files into memory. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mbox.h"
#include "status.h"

#define MBOX_READ_CHUNK 65536

void mbox_init(struct mbox_iter *it, const void *data, size_t n)
{
	memset(it, 0, sizeof(*it));
	it->p = data;
	it->n = data ? n : 0;
	it->is_mbox = n >= 5 && memcmp(data, "From ", 5) == 0;
}

/* Offset just after the line starting at off. */
static size_t line_end(const char *p, size_t n, size_t off)
{
	const char *nl = memchr(p + off, '\n', n - off);

	return nl ? (size_t)(nl - p) + 1 : n;
}

bool mbox_next(struct mbox_iter *it, struct mbox_msg *m)
{
	size_t start, scan, next;

	memset(m, 0, sizeof(m[0]));
	if (it->pos >= it->n)
		return false;
	if (!it->is_mbox) {
		m->raw = it->p;
		m->len = it->n;
		m->index = ++it->count;
		it->pos = it->n;
		return true;
	}
	/* it->pos is at a "From " line */
	m->from_line = it->p + it->pos;
	start = line_end(it->p, it->n, it->pos);
	m->from_len = (size_t)(it->p + start - m->from_line);
	while (m->from_len && (m->from_line[m->from_len - 1] == '\n' ||
	                       m->from_line[m->from_len - 1] == '\r'))
		m->from_len--;
	/* find the next separator: "From " after an empty line */
	next = it->n;
	for (scan = start; scan < it->n;) {
		const char *hit = memchr(it->p + scan, '\n', it->n - scan);
		size_t l;

		if (!hit)
			break;
		l = (size_t)(hit - it->p) + 1;      /* start of the following line */
		if (l < it->n && (it->p[l] == '\n' || (it->p[l] == '\r' && l + 1 < it->n &&
		                                        it->p[l + 1] == '\n'))) {
			size_t after = l + (it->p[l] == '\r' ? 2 : 1);

			if (it->n - after >= 5 && memcmp(it->p + after, "From ", 5) == 0) {
				next = after;
				break;
			}
		}
		if (it->n - l >= 6 && it->p[l] == '>' && !m->escaped) {
			size_t k = l;

			while (k < it->n && it->p[k] == '>')
				k++;
			if (it->n - k >= 5 && memcmp(it->p + k, "From ", 5) == 0)
				m->escaped = true;
		}
		scan = l;
	}
	m->raw = it->p + start;
	m->offset = start;
	m->len = next - start;
	/* the empty line before the next separator belongs to the mbox, not the message */
	if (next < it->n) {
		if (m->len >= 2 && m->raw[m->len - 2] == '\r' && m->raw[m->len - 1] == '\n')
			m->len -= 2;
		else if (m->len >= 1 && m->raw[m->len - 1] == '\n')
			m->len -= 1;
	}
	m->index = ++it->count;
	it->pos = next;
	return true;
}

int mbox_unescape(const struct mbox_msg *m, struct buf *out)
{
	size_t i = 0;

	while (i < m->len) {
		const char *nl = memchr(m->raw + i, '\n', m->len - i);
		size_t e = nl ? (size_t)(nl - m->raw) + 1 : m->len, k = i;

		while (k < e && m->raw[k] == '>')
			k++;
		if (k > i && e - k >= 5 && memcmp(m->raw + k, "From ", 5) == 0)
			i++;                    /* drop one '>' */
		if (buf_add(out, m->raw + i, e - i) != ST_OK)
			return out->err;
		i = e;
	}
	return out->err;
}

int mbox_file_open(const char *path, size_t max, struct mbox_file *f)
{
	struct stat st;
	int fd, err;
	bool is_stdin = strcmp(path, "-") == 0;

	memset(f, 0, sizeof(*f));
	if (!max)
		max = MBOX_MAX_FILE;
	buf_init(&f->owned, max);
	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ST_IO;
	if (fstat(fd, &st) != 0)
		goto io;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto io;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((unsigned long long)st.st_size > max) {
			if (!is_stdin)
				close(fd);
			return ST_TOOBIG;
		}
		f->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (f->map == MAP_FAILED) {
			f->map = NULL;
		} else {
			f->map_len = (size_t)st.st_size;
			f->data = f->map;
			f->len = f->map_len;
			(void)madvise(f->map, f->map_len, MADV_SEQUENTIAL);
			if (!is_stdin)
				close(fd);
			return ST_OK;
		}
	}
	for (;;) {
		char chunk[MBOX_READ_CHUNK];
		ssize_t r = read(fd, chunk, sizeof(chunk));

		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto io;
		}
		if (r == 0)
			break;
		if (buf_add(&f->owned, chunk, (size_t)r) != ST_OK) {
			if (!is_stdin)
				close(fd);
			return f->owned.err;
		}
	}
	if (!is_stdin)
		close(fd);
	f->data = (const char *)f->owned.data;
	f->len = f->owned.len;
	return ST_OK;
io:
	err = errno;
	if (!is_stdin)
		close(fd);
	errno = err;
	return ST_IO;
}

void mbox_file_close(struct mbox_file *f)
{
	if (!f)
		return;
	if (f->map)
		munmap(f->map, f->map_len);
	buf_reset(&f->owned);
	memset(f, 0, sizeof(*f));
}
