/*
 * sink.c: the end of an event (sink.h): counters, --ack messages, dead
 * letters with the quiet policy, and the exit status, under one lock.  It
 * does not format records (dlq.c), find coordinates (evcoord.c), write
 * ack messages (ack.c) or decide an event's end (the tools).
 */
#include <errno.h>
#include <string.h>

#include "ack.h"
#include "dlq.h"
#include "err.h"
#include "evcoord.h"
#include "exit.h"
#include "json.h"
#include "sink.h"
#include "stats.h"
#include "banned.h"

void hs_sink_init(struct hs_sink *s, struct hs_dlq *dlq, struct hs_stats *st,
                  struct hs_ack *ack, int *rc, int *failed, int quiet)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	s->dlq = dlq;
	s->stats = st;
	s->ack = ack;
	s->rc = rc;
	s->failed = failed;
	s->quiet = quiet;
}

void hs_sink_release(struct hs_sink *s)
{
	pthread_mutex_destroy(&s->mu);
}

static void raise_locked(struct hs_sink *s, int rc)
{
	*s->rc = hs_exit_worse(*s->rc, rc);
}

/* The event's coordinates, looked for once. */
static const struct hs_evcoord *coord_of(struct hs_sink_ev *ev)
{
	if (ev->has_coord == 0) {
		int found;

		if (ev->doc) {
			found = hs_evcoord_doc(ev->doc, &ev->coord) == 0;
		} else {
			struct hs_json_doc d;

			hs_json_doc_init(&d);
			found = hs_evcoord_line(&d, ev->line, ev->len,
			                        &ev->coord) == 0;
			hs_json_doc_release(&d);
		}
		ev->has_coord = found ? 1 : -1;
	}
	return ev->has_coord == 1 ? &ev->coord : NULL;
}

/* Report a finished event upstream; a lost hs-consume is an I/O failure
 * only in that it can no longer commit, so say it once and go on. */
static void ack_locked(struct hs_sink *s, struct hs_sink_ev *ev, int n)
{
	if (s->ack->fd < 0)
		return;
	if (hs_ack_ev(s->ack, coord_of(ev), n) < 0) {
		hs_err("--ack: hs-consume went away: %s", strerror(errno));
		hs_ack_close(s->ack);
	}
}

void hs_sink_written(struct hs_sink *s)
{
	pthread_mutex_lock(&s->mu);
	hs_stats_end(s->stats, HS_END_OUT);
	pthread_mutex_unlock(&s->mu);
}

void hs_sink_delivered(struct hs_sink *s, struct hs_sink_ev *ev)
{
	pthread_mutex_lock(&s->mu);
	ack_locked(s, ev, 0);
	hs_stats_end(s->stats, HS_END_OUT);
	pthread_mutex_unlock(&s->mu);
}

void hs_sink_filter(struct hs_sink *s, struct hs_sink_ev *ev)
{
	pthread_mutex_lock(&s->mu);
	ack_locked(s, ev, 0);
	hs_stats_end(s->stats, HS_END_FILTER);
	pthread_mutex_unlock(&s->mu);
}

void hs_sink_split(struct hs_sink *s, struct hs_sink_ev *ev, int n)
{
	if (n < 2)
		return;
	pthread_mutex_lock(&s->mu);
	ack_locked(s, ev, n - 1);
	pthread_mutex_unlock(&s->mu);
}

/* -q without --dlq: the event is still counted and the exit status says
 * so, but nothing is printed (hs(7)). */
static int silent(const struct hs_sink *s)
{
	return s->quiet && s->dlq->fd < 0;
}

static void write_failed(struct hs_sink *s)
{
	hs_err("%s", s->errbuf);
	*s->failed = 1;
	raise_locked(s, HS_EXIT_IO);
}

void hs_sink_reject(struct hs_sink *s, struct hs_sink_ev *ev,
                    const struct hs_dlq_rec *r)
{
	struct hs_sink_ev own;
	struct hs_dlq_rec rec = *r;

	if (!ev) {
		own = HS_SINK_EV(r->event, r->event_len);
		own.doc = r->doc;
		ev = &own;
	}
	if (!rec.doc)
		rec.doc = ev->doc;
	pthread_mutex_lock(&s->mu);
	if (!silent(s) &&
	    hs_dlq_write(s->dlq, &rec, s->errbuf, sizeof(s->errbuf)) < 0)
		write_failed(s);
	ack_locked(s, ev, 0);
	hs_stats_end(s->stats, HS_END_DLQ);
	raise_locked(s, HS_EXIT_REJECT);
	pthread_mutex_unlock(&s->mu);
}

void hs_sink_record(struct hs_sink *s, const struct hs_dlq_rec *r)
{
	pthread_mutex_lock(&s->mu);
	if (!silent(s) &&
	    hs_dlq_write(s->dlq, r, s->errbuf, sizeof(s->errbuf)) < 0)
		write_failed(s);
	raise_locked(s, HS_EXIT_REJECT);
	pthread_mutex_unlock(&s->mu);
}

void hs_sink_ack(struct hs_sink *s, const struct hs_evcoord *c, int n)
{
	struct hs_sink_ev ev = HS_SINK_EV(NULL, 0);

	ev.has_coord = c ? 1 : -1;
	if (c)
		ev.coord = *c;
	pthread_mutex_lock(&s->mu);
	ack_locked(s, &ev, n);
	pthread_mutex_unlock(&s->mu);
}

long long hs_sink_reject_stream(
    struct hs_sink *s, const struct hs_dlq_rec *r,
    long long (*rest)(void *src, void (*fn)(void *, const char *, size_t),
                      void *ctx),
    void *src, size_t held)
{
	long long total = 0;

	pthread_mutex_lock(&s->mu);
	if (silent(s))
		total = rest(src, NULL, NULL);
	else if (hs_dlq_write_stream(s->dlq, r, rest, src, &total, s->errbuf,
	                             sizeof(s->errbuf)) < 0)
		write_failed(s);
	hs_stats_in(s->stats, total > 0 ? (uint64_t)total : held);
	hs_stats_end(s->stats, HS_END_DLQ);
	raise_locked(s, HS_EXIT_REJECT);
	pthread_mutex_unlock(&s->mu);
	return total;
}

void hs_sink_raise(struct hs_sink *s, int rc)
{
	pthread_mutex_lock(&s->mu);
	raise_locked(s, rc);
	pthread_mutex_unlock(&s->mu);
}

void hs_sink_fail(struct hs_sink *s, int rc)
{
	pthread_mutex_lock(&s->mu);
	*s->failed = 1;
	raise_locked(s, rc);
	pthread_mutex_unlock(&s->mu);
}
