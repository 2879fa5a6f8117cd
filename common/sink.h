/*
 * sink.h: where an event ends.  Every tool's events end here exactly once,
 * from the frame (tool.c) or from a worker thread: written on, delivered
 * by a final stage, filtered out, or dead-lettered.  The sink owns what
 * follows from that end: the counters (stats.h), the --ack message
 * (ack.h), the dead-letter record (dlq.h) with the quiet policy (-q
 * without --dlq prints nothing, hs(7)), and raising the exit status
 * through hs_exit_worse() (exit.h).  Every call takes the sink's lock, so
 * threads may share one sink.
 *
 * The state itself (dead-letter file, counters, ack FIFO, status, failed
 * flag) lives in the frame (struct hs_tool) the sink is bound to, where the
 * tools read it; the sink is the code that changes it when an event ends.
 * It does not own stdout, input, or any tool's decision.
 *
 * The event comes with what the tool knows of it: its bytes, the document
 * it parsed whole (so nothing parses it again), and its coordinates when
 * already found (evcoord.h).
 */
#ifndef HS_SINK_H
#define HS_SINK_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "evcoord.h"

struct hs_ack;
struct hs_dlq;
struct hs_dlq_rec;
struct hs_json_doc;
struct hs_stats;

struct hs_sink {
	pthread_mutex_t mu;
	struct hs_dlq *dlq;     /* not owned */
	struct hs_stats *stats; /* not owned */
	struct hs_ack *ack;     /* not owned; fd -1 when --ack is off */
	int *rc;                /* the exit status so far, not owned */
	int *failed;            /* set on a fatal I/O failure, not owned */
	int quiet;              /* -q */
	char errbuf[512];
};

/* One event as the tool knows it.  Nothing is owned. */
struct hs_sink_ev {
	const char *line; /* the event's bytes */
	size_t len;
	const struct hs_json_doc *doc; /* line parsed whole, or NULL */
	struct hs_evcoord coord;       /* valid when has_coord == 1 */
	int has_coord; /* 1: coord found; -1: the event has none; 0: not
	                  looked for yet (the sink looks when it needs them) */
};

/* An event of line[0..len) with nothing known yet. */
#define HS_SINK_EV(l, n)                                             \
	(struct hs_sink_ev)                                          \
	{                                                            \
		.line = (l), .len = (n), .doc = NULL, .has_coord = 0 \
	}

/* Bind s to the frame's state. */
void hs_sink_init(struct hs_sink *s, struct hs_dlq *dlq, struct hs_stats *st,
                  struct hs_ack *ack, int *rc, int *failed, int quiet);
void hs_sink_release(struct hs_sink *s);

/* The event was written on: a later stage finishes it (no --ack). */
void hs_sink_written(struct hs_sink *s);
/* The event was delivered by a final stage: counted out, and acked. */
void hs_sink_delivered(struct hs_sink *s, struct hs_sink_ev *ev);
/* The event was filtered out on purpose (acked). */
void hs_sink_filter(struct hs_sink *s, struct hs_sink_ev *ev);
/* With --ack: the event is about to become n outputs (n >= 2; sent
 * before any is written).  n < 2 sends nothing. */
void hs_sink_split(struct hs_sink *s, struct hs_sink_ev *ev, int n);

/*
 * Dead-letter the event: r describes it (r->event is its bytes); ev is
 * what the tool knows of it, or NULL when nothing more than r.  Written
 * unless -q without --dlq; acked; counted; the status at least 1.  A
 * failure to write the record is fatal (I/O, *failed set).
 */
void hs_sink_reject(struct hs_sink *s, struct hs_sink_ev *ev,
                    const struct hs_dlq_rec *r);

/*
 * Dead-letter a line too long to hold: r has its position, reason and
 * message; rest(src, fn, ctx) reads the whole line and passes it to fn in
 * chunks (fn may be NULL), returning its length, or < 0 (held bytes,
 * the part the reader returned, are counted as its size then).  Counts it
 * as one input event ending in a dead letter.  Not acked: its coordinates are not held.  Returns what rest()
 * returned.
 */
long long hs_sink_reject_stream(
    struct hs_sink *s, const struct hs_dlq_rec *r,
    long long (*rest)(void *src, void (*fn)(void *, const char *, size_t),
                      void *ctx),
    void *src, size_t held);

/*
 * A dead letter for an event that ended already (a final stage's target
 * gave up on a copy it had taken): written unless -q without --dlq, the
 * status at least 1, a write failure fatal; no counter moves, no ack.
 */
void hs_sink_record(struct hs_sink *s, const struct hs_dlq_rec *r);

/* Send one --ack message for coordinates c ('-' for n == 0, '+' n more
 * units), from any thread; c NULL counts the event as lost. */
void hs_sink_ack(struct hs_sink *s, const struct hs_evcoord *c, int n);

/* Raise the exit status to at least rc (hs_exit_worse()). */
void hs_sink_raise(struct hs_sink *s, int rc);
/* A fatal failure: set *failed and raise the status to at least rc. */
void hs_sink_fail(struct hs_sink *s, int rc);

#endif
