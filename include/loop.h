/* Single-threaded poll() event loop: file-descriptor watchers and timers on an injectable clock. */
#ifndef MXTRACE_LOOP_H
#define MXTRACE_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"

/*
 * Usage: a module embeds a `struct loop_io` and/or `struct loop_timer` in its own state,
 * initialises them once with loop_io_init()/loop_timer_init(), and starts and stops them as
 * often as it likes. The loop never allocates or frees watchers; it only keeps pointers to
 * the started ones. Stopping a watcher (even from inside any callback, including its own)
 * guarantees its callback will not run again, so the owner may free it right after
 * stopping. Callbacks run only from loop_run()/loop_run_once(), never from a start function.
 *
 * Time: loop_now() is the clock's monotonic milliseconds. Timers are absolute deadlines on
 * that clock. poll() sleeps until the earliest deadline, so a clock that does not advance
 * (the fixed clock of golden tests) must not be given to a loop that waits on timers; use
 * a clock that tests can advance by hand and loop_run_once(l, 0) instead.
 */
struct loop;
struct loop_io;
struct loop_timer;

/* revents is the poll() result mask (POLLIN, POLLOUT, POLLERR, POLLHUP, POLLNVAL). */
typedef void (*loop_io_fn)(struct loop *l, struct loop_io *w, short revents);
typedef void (*loop_timer_fn)(struct loop *l, struct loop_timer *t);

struct loop_io {
	int fd;
	short events;          /* POLLIN and/or POLLOUT */
	loop_io_fn fn;
	void *arg;             /* for the owner; the loop does not touch it */
	size_t slot;           /* private: index in the loop, LOOP_NONE when stopped */
};

struct loop_timer {
	uint64_t at;           /* deadline, loop_now() milliseconds */
	loop_timer_fn fn;
	void *arg;             /* for the owner */
	size_t slot;           /* private: heap index, LOOP_NONE when stopped */
	uint64_t seq;          /* private: start order, breaks ties and bounds one dispatch */
};

#define LOOP_NONE ((size_t)-1)
#define LOOP_MAX_WATCHERS 4096   /* fd watchers started at once; more gives ST_TOOBIG */
#define LOOP_MAX_TIMERS 65536

/* Make a loop reading time from clock (borrowed; must outlive the loop). ST_NOMEM. */
int loop_new(const struct clock *clock, struct loop **out);
/* Free the loop. Watchers still started are forgotten (their owners must not use them). */
void loop_free(struct loop *l);
/* Monotonic time in milliseconds from the loop's clock. */
uint64_t loop_now(const struct loop *l);

/* Prepare a watcher once (stopped); fn(l, w, revents) runs when fd is ready. */
void loop_io_init(struct loop_io *w, int fd, loop_io_fn fn, void *arg);
/* Watch w->fd for events (replaces the mask if already started). ST_TOOBIG, ST_NOMEM. */
int loop_io_start(struct loop *l, struct loop_io *w, short events);
/* Stop watching; no-op if not started. */
void loop_io_stop(struct loop *l, struct loop_io *w);

/* Prepare a timer once (stopped); fn(l, t) runs when it is due. */
void loop_timer_init(struct loop_timer *t, loop_timer_fn fn, void *arg);
/* Fire once at the absolute time at_ms (re-arms if already started). ST_TOOBIG, ST_NOMEM. */
int loop_timer_start(struct loop *l, struct loop_timer *t, uint64_t at_ms);
/* Fire once after delay_ms from now. */
int loop_timer_after(struct loop *l, struct loop_timer *t, uint64_t delay_ms);
/* Stop a timer; no-op if not started. */
void loop_timer_stop(struct loop *l, struct loop_timer *t);
/* True while started and not yet fired. */
bool loop_timer_active(const struct loop_timer *t);

/*
 * One iteration: poll for at most max_wait_ms (less if a timer is due sooner; -1 waits for
 * the next event or timer), then run the ready watchers' callbacks and the due timers'.
 * Returns ST_OK, ST_IO if poll failed (not EINTR), or ST_NOTFOUND when nothing is started.
 */
int loop_run_once(struct loop *l, int max_wait_ms);
/* Run until no watcher or timer is started, or loop_stop() is called. ST_OK or ST_IO. */
int loop_run(struct loop *l);
/* Make loop_run() return after the current iteration. */
void loop_stop(struct loop *l);
/* Number of started watchers and timers. */
size_t loop_pending(const struct loop *l);

#endif
