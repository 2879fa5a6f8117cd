/*
 * queue.c: a target's queue as its kind's worker thread sees it (the API
 * of target.h): popping items, finishing them (delivered, dead-lettered,
 * dropped, with the --ack completion of their event), the failing flag
 * and the retry backoff with the SIGTERM drain deadline.
 *
 * It calls no kind and nothing of target.c: the reading side (staging,
 * queueing, starting the worker) and the target object are target.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "exit.h"
#include "json.h"
#include "sig.h"
#include "sink.h"
#include "stats.h"
#include "target.h"
#include "banned.h"

/* ---- dead letters ---- */

static void dead_as(struct fo_target *t, const struct fo_item *it,
                    const char *reason, const char *code, const char *message,
                    const char *exhausted, int attempts, const char *extra)
{
	struct fo_shared *sh = t->sh;
	struct hs_dlq_rec r = HS_DLQ_REC_INIT;
	struct hs_buf det = HS_BUF_INIT;

	hs_buf_adds(&det, "{\"rule\":");
	hs_json_write_str(&det, it->rule, strlen(it->rule));
	hs_buf_adds(&det, ",\"target\":");
	hs_json_write_str(&det, t->id, strlen(t->id));
	hs_buf_adds(&det, ",\"uri\":");
	hs_json_write_str(&det, t->shown, strlen(t->shown));
	hs_buf_adds(&det, ",\"error_code\":");
	hs_json_write_str(&det, code, strlen(code));
	hs_buf_adds(&det, ",\"error_message\":");
	hs_json_write_str(&det, message, strlen(message));
	hs_buf_adds(&det, ",\"exhausted\":");
	hs_json_write_str(&det, exhausted, strlen(exhausted));
	hs_buf_addf(&det, ",\"attempts\":%d", attempts);
	/* extra is one JSON object: its members join ours, so details stay
	 * one object with the same members for every reason */
	if (extra) {
		const char *a = strchr(extra, '{'), *z = strrchr(extra, '}');

		if (a && z && z > a + 1) {
			hs_buf_addc(&det, ',');
			hs_buf_add(&det, a + 1, (size_t)(z - a - 1));
		}
	}
	hs_buf_addc(&det, '}');
	r.reason = reason;
	r.message = message;
	r.details = det.data;
	r.details_len = det.len;
	r.event = it->event;
	r.event_len = it->event_len;
	__atomic_add_fetch(&sh->dlq_records, 1, __ATOMIC_RELAXED);
	hs_sink_record(sh->sink, &r);
	pthread_mutex_lock(&t->mu);
	t->dead++;
	pthread_mutex_unlock(&t->mu);
	hs_buf_release(&det);
}

void target_dead(struct fo_target *t, const struct fo_item *it,
                 const char *code, const char *message, const char *exhausted,
                 int attempts)
{
	/* A target that stayed unavailable through its retry policy may
	 * take the events later: the run ends 75 (retry later), as a tool
	 * whose broker or store was unreachable does. */
	if (!strcmp(exhausted, "MaximumRetryAttempts") ||
	    !strcmp(exhausted, "MaximumEventAgeInSeconds"))
		hs_sink_raise(t->sh->sink, HS_EXIT_TEMPFAIL);
	dead_as(t, it, "target_failed", code, message, exhausted, attempts,
	        NULL);
}

void target_dead_as(struct fo_target *t, const struct fo_item *it,
                    const char *reason, const char *code, const char *message,
                    const char *exhausted, int attempts)
{
	dead_as(t, it, reason, code, message, exhausted, attempts, NULL);
}

void target_reject(struct fo_target *t, struct fo_item *it, const char *reason,
                   const char *message, const char *details)
{
	pthread_mutex_lock(&t->mu);
	t->queued++;
	pthread_mutex_unlock(&t->mu);
	dead_as(t, it, reason, reason, message, "not_retryable", 1, details);
	target_item_done(t, it);
}

/* ---- acknowledgement ---- */

void fo_ev_release(struct fo_shared *sh, struct fo_ev *ev, int finished)
{
	if (!ev)
		return;
	if (!finished)
		atomic_store(&ev->failed, 1);
	if (atomic_fetch_sub(&ev->refs, 1) != 1)
		return;
	if (!atomic_load(&ev->failed)) {
		struct hs_evcoord c = {ev->topic, ev->topiclen, ev->partition,
		                       ev->offset};

		hs_sink_ack(sh->sink, &c, 0);
	}
	free(ev);
}

static void item_free(struct fo_target *t, struct fo_item *it)
{
	if (it->event != it->data)
		free(it->event);
	free(it->key);
	free(it->path);
	if (it->cap == FO_ITEM_CAP) {
		pthread_mutex_lock(&t->mu);
		if (t->nspare < FO_SPARE_MAX) {
			it->next = t->spare;
			t->spare = it;
			t->nspare++;
			it = NULL;
		}
		pthread_mutex_unlock(&t->mu);
	}
	free(it);
}

void target_item_done(struct fo_target *t, struct fo_item *it)
{
	fo_ev_release(t->sh, it->ev, 1);
	item_free(t, it);
}

void target_item_drop(struct fo_target *t, struct fo_item *it)
{
	fo_ev_release(t->sh, it->ev, 0);
	item_free(t, it);
}

/* ---- the worker's side of the queue ---- */

/*
 * Up to max items as a list; waits for one (at most secs when secs >= 0);
 * NULL when closed and empty, or when the time ran out.
 */
struct fo_item *target_pop_timed(struct fo_target *t, size_t max, size_t *n,
                                 double secs, int *closed)
{
	struct fo_item *first, *last;
	size_t k = 1;
	struct timespec until;

	if (secs >= 0) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)secs;
		until.tv_nsec += (long)((secs - (double)(time_t)secs) * 1e9);
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
	}
	pthread_mutex_lock(&t->mu);
	while (!t->head && !t->closing) {
		if (secs < 0)
			pthread_cond_wait(&t->cv, &t->mu);
		else if (pthread_cond_timedwait(&t->cv, &t->mu, &until))
			break;
	}
	*closed = !t->head && t->closing;
	if (!t->head) {
		pthread_mutex_unlock(&t->mu);
		*n = 0;
		return NULL;
	}
	first = last = t->head;
	while (k < max && last->next) {
		last = last->next;
		k++;
	}
	t->head = last->next;
	if (!t->head)
		t->tail = NULL;
	last->next = NULL;
	t->qlen -= k;
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
	*n = k;
	return first;
}

struct fo_item *target_pop(struct fo_target *t, size_t max, size_t *n)
{
	int closed;

	return target_pop_timed(t, max, n, -1, &closed);
}

void target_done(struct fo_target *t, uint64_t delivered)
{
	pthread_mutex_lock(&t->mu);
	t->delivered += delivered;
	pthread_mutex_unlock(&t->mu);
}

void target_set_failing(struct fo_target *t, int on)
{
	pthread_mutex_lock(&t->mu);
	t->failing = on;
	if (on)
		pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
}

/* Past the SIGTERM drain deadline: stop retrying. */
int fo_out_of_time(struct fo_shared *sh)
{
	if (!hs_sig_stop)
		return 0;
	pthread_mutex_lock(&sh->drain_mu);
	if (!sh->drain_deadline)
		sh->drain_deadline = hs_now() + sh->drain_secs;
	sh->stopping = 1;
	pthread_mutex_unlock(&sh->drain_mu);
	return hs_now() >= sh->drain_deadline;
}

static int out_of_time(struct fo_target *t)
{
	return fo_out_of_time(t->sh);
}

const char *target_exhausted(struct fo_target *t, int attempt, double t0,
                             double wait)
{
	if (attempt >= t->attempts)
		return "MaximumRetryAttempts";
	if (hs_now() - t0 + wait >= t->max_age)
		return "MaximumEventAgeInSeconds";
	if (out_of_time(t))
		return "shutdown";
	return NULL;
}

double target_backoff_secs(int attempt, double floor_secs)
{
	double cap = 0.05 * (double)(1u << (attempt < 10 ? attempt : 10));
	double d;

	if (cap > 10)
		cap = 10;
	d = cap / 2 + (cap / 2) * ((double)rand() / RAND_MAX);
	return d < floor_secs ? floor_secs : d;
}

/* Sleep target_backoff_secs(), cut short by the drain deadline. */
void target_backoff(struct fo_target *t, int attempt, double floor_secs)
{
	double d = target_backoff_secs(attempt, floor_secs), until;

	until = hs_now() + d;
	while (hs_now() < until && !out_of_time(t)) {
		struct timespec ts = {0, 10 * 1000 * 1000};

		nanosleep(&ts, NULL);
	}
}
