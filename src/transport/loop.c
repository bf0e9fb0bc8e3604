/* poll()-based event loop: watcher array, timer min-heap, re-entrancy-safe dispatch. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "status.h"

/* A watcher that was ready in the current poll round; `w` is cleared if it is stopped. */
struct ready {
	struct loop_io *w;
	short revents;
};

struct loop {
	const struct clock *clock;
	struct loop_io **io;        /* started watchers, dense */
	size_t nio, capio;
	struct pollfd *pfd;         /* poll() argument, rebuilt each round */
	size_t cappfd;
	struct ready *ready;        /* dispatch snapshot of the current round */
	size_t nready, capready;
	struct loop_timer **heap;   /* min-heap by (at, seq) */
	size_t nheap, capheap;
	uint64_t seq;
	bool stop;
};

int loop_new(const struct clock *clock, struct loop **out)
{
	struct loop *l = calloc(1, sizeof(*l));

	*out = NULL;
	if (!l)
		return ST_NOMEM;
	l->clock = clock ? clock : &clock_system;
	*out = l;
	return ST_OK;
}

void loop_free(struct loop *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->nio; i++)
		l->io[i]->slot = LOOP_NONE;
	for (i = 0; i < l->nheap; i++)
		l->heap[i]->slot = LOOP_NONE;
	free(l->io);
	free(l->pfd);
	free(l->ready);
	free(l->heap);
	free(l);
}

uint64_t loop_now(const struct loop *l)
{
	return l->clock->mono_ms(l->clock);
}

/* Grow an array of n elements of size sz to hold at least want, doubling. */
static int grow(void **arr, size_t *cap, size_t want, size_t sz)
{
	size_t ncap = *cap ? *cap : 16;
	void *p;

	if (want <= *cap)
		return ST_OK;
	while (ncap < want)
		ncap *= 2;
	p = realloc(*arr, ncap * sz);
	if (!p)
		return ST_NOMEM;
	*arr = p;
	*cap = ncap;
	return ST_OK;
}

void loop_io_init(struct loop_io *w, int fd, loop_io_fn fn, void *arg)
{
	w->fd = fd;
	w->events = 0;
	w->fn = fn;
	w->arg = arg;
	w->slot = LOOP_NONE;
}

int loop_io_start(struct loop *l, struct loop_io *w, short events)
{
	int st;

	w->events = events;
	if (w->slot != LOOP_NONE)
		return ST_OK;
	if (l->nio >= LOOP_MAX_WATCHERS)
		return ST_TOOBIG;
	st = grow((void **)&l->io, &l->capio, l->nio + 1, sizeof(*l->io));
	if (st != ST_OK)
		return st;
	w->slot = l->nio;
	l->io[l->nio++] = w;
	return ST_OK;
}

void loop_io_stop(struct loop *l, struct loop_io *w)
{
	size_t i;

	if (w->slot == LOOP_NONE)
		return;
	/* Swap-remove from the dense array. */
	l->io[w->slot] = l->io[l->nio - 1];
	l->io[w->slot]->slot = w->slot;
	l->nio--;
	w->slot = LOOP_NONE;
	/* A stopped watcher must not be dispatched later in this round (its owner may have
	 * freed it already): forget it in the snapshot. */
	for (i = 0; i < l->nready; i++)
		if (l->ready[i].w == w)
			l->ready[i].w = NULL;
}

void loop_timer_init(struct loop_timer *t, loop_timer_fn fn, void *arg)
{
	t->at = 0;
	t->fn = fn;
	t->arg = arg;
	t->slot = LOOP_NONE;
	t->seq = 0;
}

bool loop_timer_active(const struct loop_timer *t)
{
	return t->slot != LOOP_NONE;
}

static bool before(const struct loop_timer *a, const struct loop_timer *b)
{
	return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static void heap_set(struct loop *l, size_t i, struct loop_timer *t)
{
	l->heap[i] = t;
	t->slot = i;
}

static void sift_up(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!before(t, l->heap[parent]))
			break;
		heap_set(l, i, l->heap[parent]);
		i = parent;
	}
	heap_set(l, i, t);
}

static void sift_down(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= l->nheap)
			break;
		if (c + 1 < l->nheap && before(l->heap[c + 1], l->heap[c]))
			c++;
		if (!before(l->heap[c], t))
			break;
		heap_set(l, i, l->heap[c]);
		i = c;
	}
	heap_set(l, i, t);
}

void loop_timer_stop(struct loop *l, struct loop_timer *t)
{
	size_t i = t->slot;

	if (i == LOOP_NONE)
		return;
	t->slot = LOOP_NONE;
	l->nheap--;
	if (i == l->nheap)
		return;
	{
		/* The last element fills the hole; it may belong above or below it. */
		struct loop_timer *moved = l->heap[l->nheap];

		heap_set(l, i, moved);
		sift_down(l, i);
		sift_up(l, moved->slot);
	}
}

int loop_timer_start(struct loop *l, struct loop_timer *t, uint64_t at_ms)
{
	int st;

	loop_timer_stop(l, t);
	if (l->nheap >= LOOP_MAX_TIMERS)
		return ST_TOOBIG;
	st = grow((void **)&l->heap, &l->capheap, l->nheap + 1, sizeof(*l->heap));
	if (st != ST_OK)
		return st;
	t->at = at_ms;
	t->seq = l->seq++;
	heap_set(l, l->nheap++, t);
	sift_up(l, t->slot);
	return ST_OK;
}

int loop_timer_after(struct loop *l, struct loop_timer *t, uint64_t delay_ms)
{
	return loop_timer_start(l, t, loop_now(l) + delay_ms);
}

size_t loop_pending(const struct loop *l)
{
	return l->nio + l->nheap;
}

/* Run the timers due at `now` that were started before this dispatch began. */
static void run_timers(struct loop *l, uint64_t now)
{
	uint64_t limit = l->seq;

	while (l->nheap > 0 && l->heap[0]->at <= now && l->heap[0]->seq < limit) {
		struct loop_timer *t = l->heap[0];

		loop_timer_stop(l, t);
		t->fn(l, t);
	}
}

int loop_run_once(struct loop *l, int max_wait_ms)
{
	uint64_t now;
	int timeout = max_wait_ms, n, st;
	size_t i, nfds = l->nio;

	if (l->nio == 0 && l->nheap == 0)
		return ST_NOTFOUND;
	now = loop_now(l);
	if (l->nheap > 0) {
		uint64_t due = l->heap[0]->at;
		uint64_t wait = due > now ? due - now : 0;

		if (wait > INT_MAX)
			wait = INT_MAX;
		if (timeout < 0 || (uint64_t)timeout > wait)
			timeout = (int)wait;
	}
	st = grow((void **)&l->pfd, &l->cappfd, nfds, sizeof(*l->pfd));
	if (st == ST_OK)
		st = grow((void **)&l->ready, &l->capready, nfds, sizeof(*l->ready));
	if (st != ST_OK)
		return st;
	for (i = 0; i < nfds; i++) {
		l->pfd[i].fd = l->io[i]->fd;
		l->pfd[i].events = l->io[i]->events;
		l->pfd[i].revents = 0;
		l->ready[i].w = l->io[i];
		l->ready[i].revents = 0;
	}
	n = poll(l->pfd, (nfds_t)nfds, timeout);
	if (n < 0) {
		if (errno == EINTR)
			return ST_OK;
		return ST_IO;
	}
	/* Snapshot first, dispatch second: callbacks may start and stop watchers freely. */
	l->nready = 0;
	for (i = 0; i < nfds; i++) {
		if (l->pfd[i].revents == 0)
			continue;
		l->ready[l->nready].w = l->ready[i].w;
		l->ready[l->nready].revents = l->pfd[i].revents;
		l->nready++;
	}
	for (i = 0; i < l->nready; i++) {
		struct loop_io *w = l->ready[i].w;

		if (w)
			w->fn(l, w, l->ready[i].revents);
	}
	l->nready = 0;
	run_timers(l, loop_now(l));
	return ST_OK;
}

int loop_run(struct loop *l)
{
	l->stop = false;
	while (!l->stop) {
		int st = loop_run_once(l, -1);

		if (st == ST_NOTFOUND)
			return ST_OK;
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}

void loop_stop(struct loop *l)
{
	l->stop = true;
}
