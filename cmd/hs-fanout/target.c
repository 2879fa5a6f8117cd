/*
 * target.c: the target object and its bulkhead: a URI's kind from the
 * kinds table (kinds.c), the reading thread's side of the queue (staging,
 * queueing, starting the worker thread), the worker thread running its
 * kind's operations, and start, finish and release.
 *
 * Each target is a bulkhead: its own bounded queue, its own thread, its
 * own retry policy.  While a target is failing (retrying), producers do
 * not wait for room in its queue: an item that does not fit is
 * dead-lettered at once, so a dead target never stalls the others.
 * It names no kind: what a kind does is its struct target_ops (target.h);
 * the worker's side of the queue (popping, finishing items, backoff) is
 * queue.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "inputxform.h"
#include "sig.h"
#include "target.h"
#include "uri.h"
#include "banned.h"

struct fo_item *target_item_new(struct fo_target *t, size_t n)
{
	struct fo_item *it = NULL;
	size_t cap = n < FO_ITEM_CAP ? FO_ITEM_CAP : n + 1;

	if (cap == FO_ITEM_CAP && (it = t->rspare))
		t->rspare = it->next;
	else
		it = hs_xmalloc(sizeof *it + cap);
	memset(it, 0, sizeof *it);
	it->cap = cap;
	return it;
}

static void free_list(struct fo_item *it)
{
	for (struct fo_item *next; it; it = next) {
		next = it->next;
		free(it);
	}
}

/* ---- queue ---- */

static void *worker(void *arg);

/* Queue t's staged items (reading thread only). */
static void flush_one(struct fo_target *t)
{
	struct fo_item *it = t->shead, *next;

	t->shead = t->stail = NULL;
	t->sn = 0;
	if (!it)
		return;
	if (!t->started) {
		if (pthread_create(&t->th, NULL, worker, t)) {
			hs_err("target '%s': cannot start a thread", t->id);
			for (; it; it = next) {
				next = it->next;
				t->queued++;
				target_dead(t, it, "no_thread",
				            "cannot start a thread",
				            "not_retryable", 0);
				target_item_done(t, it);
			}
			return;
		}
		t->started = 1;
	}
	pthread_mutex_lock(&t->mu);
	for (; it; it = next) {
		next = it->next;
		it->next = NULL;
		t->queued++;
		while (t->qlen >= t->qmax && !t->failing && !hs_sig_stop) {
			/* the worker may sleep on items queued just now */
			pthread_cond_broadcast(&t->cv);
			pthread_cond_wait(&t->cv, &t->mu);
		}
		if (t->qlen >= t->qmax) {
			pthread_mutex_unlock(&t->mu);
			target_dead(t, it, "queue_full",
			            "target is failing and its queue is full",
			            "queue_full", 0);
			target_item_done(t, it);
			pthread_mutex_lock(&t->mu);
			continue;
		}
		if (t->tail)
			t->tail->next = it;
		else
			t->head = it;
		t->tail = it;
		t->qlen++;
	}
	/* one wakeup for the lot (cheap when nobody waits) */
	if (t->qlen)
		pthread_cond_broadcast(&t->cv);
	if (!t->rspare) {
		t->rspare = t->spare;
		t->spare = NULL;
		t->nspare = 0;
	}
	pthread_mutex_unlock(&t->mu);
}

void target_put(struct fo_target *t, struct fo_item *it)
{
	struct fo_shared *sh = t->sh;

	it->next = NULL;
	if (t->stail) {
		t->stail->next = it;
	} else {
		t->shead = it;
		sh->staged = hs_xgrow(sh->staged, sizeof *sh->staged,
		                      sh->nstaged + 1, &sh->stagedcap);
		sh->staged[sh->nstaged++] = t;
	}
	t->stail = it;
	if (++t->sn >= FO_STAGE_MAX)
		flush_one(t);
}

void targets_flush(struct fo_shared *sh)
{
	for (size_t i = 0; i < sh->nstaged; i++)
		flush_one(sh->staged[i]);
	sh->nstaged = 0;
}

/* ---- the target object ---- */

/* The kind of uri, or NULL. */
static const struct target_ops *find_kind(const char *uri)
{
	for (size_t i = 0; i < fo_nkinds; i++) {
		const struct fo_kind *k = &fo_kinds[i];

		if (k->exact ? !strcmp(uri, k->scheme)
		             : !strncmp(uri, k->scheme, strlen(k->scheme)))
			return k->ops;
	}
	return NULL;
}

int target_uri_known(const char *uri)
{
	return find_kind(uri) != NULL;
}

/* The kind of uri, or NULL with the known schemes in errbuf. */
static const struct target_ops *kind_of(const char *uri, char *errbuf,
                                        size_t errlen)
{
	const struct target_ops *ops = find_kind(uri);
	struct hs_buf want = HS_BUF_INIT;

	if (ops)
		return ops;
	for (size_t i = 0; i < fo_nkinds; i++) {
		if (i)
			hs_buf_adds(&want, i + 1 < fo_nkinds ? ", " : " or ");
		hs_buf_adds(&want, fo_kinds[i].scheme);
	}
	hs_seterr(errbuf, errlen, "unknown target '%s' (want %s)", uri,
	          want.data);
	hs_buf_release(&want);
	return NULL;
}

struct fo_target *target_new(const char *id, const char *uri,
                             struct fo_shared *sh, char *errbuf, size_t errlen)
{
	struct fo_target *t = hs_xcalloc(1, sizeof *t);
	int r = 0;

	t->uri = hs_xstrdup(uri);
	t->shown = hs_uri_shown(uri);
	t->id = strcmp(id, uri) ? hs_xstrdup(id) : hs_xstrdup(t->shown);
	t->sh = sh;
	t->attempts = 3;
	t->max_age = 300;
	t->timeout = 5;
	t->batch = 1;
	t->qmax = 10000;
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	t->ops = kind_of(uri, errbuf, errlen);
	if (!t->ops)
		r = -1;
	else if (t->ops->parse)
		r = t->ops->parse(t, uri, errbuf, errlen);
	if (r < 0) {
		target_free(t);
		return NULL;
	}
	return t;
}

static void *worker(void *arg)
{
	struct fo_target *t = arg;

	t->ops->run(t);
	return NULL;
}

int target_start(struct fo_target *t, char *errbuf, size_t errlen)
{
	int r = 0;

	if (t->ops->open)
		r = t->ops->open(t, errbuf, errlen);
	/* the worker starts with the first item (target_put): of a
	 * thousand rules most may never match, and a thread each costs
	 * start-up and exit time for nothing */
	return r < 0 ? -1 : 0;
}
void target_finish(struct fo_target *t)
{
	if (!t->started)
		return;
	pthread_mutex_lock(&t->mu);
	t->closing = 1;
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->th, NULL);
	t->started = 0;
}

void target_counts(struct fo_target *t, uint64_t *queued, uint64_t *delivered,
                   uint64_t *dead)
{
	pthread_mutex_lock(&t->mu);
	*queued = t->queued;
	*delivered = t->delivered;
	*dead = t->dead;
	pthread_mutex_unlock(&t->mu);
}

int target_reads_event(const struct fo_target *t)
{
	return t->jq || t->input_path || t->xf || t->key_ptr ||
	       (t->ops->reads_event && t->ops->reads_event(t));
}

char *target_item_path(struct fo_target *t, const struct hs_json_doc *d)
{
	return t->ops->item_path ? t->ops->item_path(t, d) : NULL;
}

int target_is_stdout(const struct fo_target *t)
{
	return (t->ops->flags & FO_OPS_STDOUT) != 0;
}

int target_http_params(const struct fo_target *t)
{
	return (t->ops->flags & FO_OPS_HTTP_PARAMS) != 0;
}

void target_free(struct fo_target *t)
{
	if (!t)
		return;
	target_finish(t);
	free_list(t->spare);
	free_list(t->rspare);
	t->spare = t->rspare = NULL;
	if (t->ops)
		t->ops->close(t);
	while (t->head) {
		struct fo_item *it = t->head;

		t->head = it->next;
		target_item_drop(t, it);
	}
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->cv);
	free(t->id);
	free(t->shown);
	free(t->uri);
	free(t->input);
	free(t->input_path);
	free(t->key_ptr);
	for (size_t i = 0; i < t->nheaders; i++)
		free(t->headers[i]);
	free(t->headers);
	for (size_t i = 0; i < t->nquery; i++)
		free(t->query[i]);
	free(t->query);
	hs_inputxform_free(t->xf);
	if (t->jq_owner)
		fo_jq_free(t->jq);
	free(t);
}
