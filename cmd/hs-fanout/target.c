/*
 * target.c: the per-target queue and worker thread, and the local kinds
 * of target: stdout, file (plain or zstd frames, rotated), exec (a
 * long-running child fed on stdin, restarted with backoff).
 *
 * Each target is a bulkhead: its own bounded queue, its own thread, its
 * own retry policy.  While a target is failing (retrying), producers do
 * not wait for room in its queue: an item that does not fit is
 * dead-lettered at once, so a dead target never stalls the others.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "archive.h"
#include "buf.h"
#include "err.h"
#include "fanout.h"
#include "inputxform.h"
#include "json.h"
#include "opts.h"
#include "out.h"
#include "seqname.h"
#include "timeutil.h"
#include "sig.h"
#include "stats.h"
#include "banned.h"

uint32_t fo_murmur2(const void *key, size_t len)
{
	const unsigned char *d = key;
	const uint32_t m = 0x5bd1e995;
	uint32_t h = 0x9747b28c ^ (uint32_t)len;
	size_t i = 0;

	for (; i + 4 <= len; i += 4) {
		uint32_t k = (uint32_t)d[i] | (uint32_t)d[i + 1] << 8 |
		             (uint32_t)d[i + 2] << 16 |
		             (uint32_t)d[i + 3] << 24;

		k *= m;
		k ^= k >> 24;
		k *= m;
		h *= m;
		h ^= k;
	}
	switch (len & 3) {
	case 3:
		h ^= (uint32_t)d[i + 2] << 16;
		/* fall through */
	case 2:
		h ^= (uint32_t)d[i + 1] << 8;
		/* fall through */
	case 1:
		h ^= d[i];
		h *= m;
	}
	h ^= h >> 13;
	h *= m;
	h ^= h >> 15;
	return h & 0x7fffffff;
}

/* ---- dead letters ---- */

static void dead_as(struct fo_target *t, const struct fo_item *it,
                    const char *reason, const char *code, const char *message,
                    const char *exhausted, int attempts, const char *extra)
{
	struct fo_shared *sh = t->sh;
	struct hs_dlq_rec r = HS_DLQ_REC_INIT;
	struct hs_buf det = HS_BUF_INIT;
	char err[256];

	hs_buf_adds(&det, "{\"rule\":");
	hs_json_write_str(&det, it->rule, strlen(it->rule));
	hs_buf_adds(&det, ",\"target\":");
	hs_json_write_str(&det, t->id, strlen(t->id));
	hs_buf_adds(&det, ",\"uri\":");
	hs_json_write_str(&det, t->uri, strlen(t->uri));
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
	pthread_mutex_lock(&sh->dlq_mu);
	sh->dlq_records++;
	if (sh->quiet && sh->dlq.fd < 0) {
		/* counted, not printed */
	} else if (hs_dlq_write(&sh->dlq, &r, err, sizeof err) < 0) {
		hs_err("%s", err);
		sh->io_failed = 1;
	}
	pthread_mutex_unlock(&sh->dlq_mu);
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
		__atomic_store_n(&t->sh->tempfail, 1, __ATOMIC_RELAXED);
	dead_as(t, it, "target_failed", code, message, exhausted, attempts,
	        NULL);
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
		/* one descriptor shared by all workers: the struct's counters
		 * and its closing on failure want the lock, the line itself
		 * is a single write(2) below PIPE_BUF */
		pthread_mutex_lock(&sh->ack_mu);
		if (sh->ack.fd >= 0 &&
		    hs_ack_coords(&sh->ack, ev->topic, ev->topiclen,
		                  ev->partition, ev->offset, 0) < 0) {
			hs_err("--ack: hs-consume went away: %s",
			       strerror(errno));
			hs_ack_close(&sh->ack);
		}
		pthread_mutex_unlock(&sh->ack_mu);
	}
	free(ev);
}

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

static void free_list(struct fo_item *it)
{
	for (struct fo_item *next; it; it = next) {
		next = it->next;
		free(it);
	}
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
	pthread_mutex_lock(&sh->dlq_mu);
	if (!sh->drain_deadline)
		sh->drain_deadline = hs_now() + sh->drain_secs;
	sh->stopping = 1;
	pthread_mutex_unlock(&sh->dlq_mu);
	return hs_now() >= sh->drain_deadline;
}

static int out_of_time(struct fo_target *t)
{
	return fo_out_of_time(t->sh);
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

/* ---- stdout and file ---- */

/*
 * One open file.  A plain file target has one; a target whose path names
 * event fields has up to max_open, the least recently used closed first,
 * each rotated on its own byte count and age.
 */
struct fslot {
	char *key;         /* path template with event fields filled, or NULL */
	char *cur;         /* path now open */
	char *base;        /* the template expanded: member 0 of its series */
	unsigned long seq; /* cur is member seq of base's rotated series */
	int fd;            /* -1: closed */
	double opened;     /* hs_now() at open */
	uint64_t written;  /* bytes in the current file */
	uint64_t used;     /* LRU clock */
};

/* The event fields a file path may name: {NAME} takes this pointer. */
static const struct {
	const char *name, *ptr;
} fields[] = {
    {"source", "/source"},   {"detail-type", "/detail-type"},
    {"account", "/account"}, {"region", "/region"},
    {"id", "/id"},
};

#define FIELD_MAX 64 /* bytes of one value in a path */
#define MAX_OPEN 64  /* default max-open */

/* A piece of a path template: text, a field (ptr), or {time:FMT}. */
struct seg {
	char *text; /* literal text, or the strftime format of {time:...} */
	const char *ptr;
	int is_time;
};

struct filet {
	char *tmpl; /* path, maybe with strftime conversions */
	int zst;
	uint64_t rotate_size; /* 0: never */
	double rotate_secs;   /* 0: never */
	struct fslot one;     /* stdout, or a path without event fields */
	struct seg *segs;     /* with event fields: the parsed template */
	size_t nsegs;
	struct fslot *slots;
	size_t nslots, max_open;
	uint64_t clock;
	struct hs_arc_writer w; /* pending lines (common/archive.h) */
	int epipe;
};

static char *expand_time(const char *tmpl)
{
	char out[4096];
	struct tm tm;

	if (!strchr(tmpl, '%'))
		return hs_xstrdup(tmpl);
	hs_time_utc_tm(hs_time_now_ms(), &tm);
	if (!strftime(out, sizeof out, tmpl, &tm))
		return hs_xstrdup(tmpl);
	return hs_xstrdup(out);
}

/* Create the missing directories above path. */
static void make_parents(const char *path)
{
	char *p = hs_xstrdup(path);

	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	free(p);
}

/*
 * A file of size bytes is full for a next line of next bytes: a plain
 * file once that line would take it past rotate-size (a line longer than
 * the limit still goes whole into an empty file); a .zst file, whose
 * frames are only sized once compressed, once it has reached the limit.
 */
static int size_due(const struct filet *f, uint64_t size, size_t next)
{
	if (!f->rotate_size)
		return 0;
	if (f->zst)
		return size >= f->rotate_size;
	return size > 0 && size + next > f->rotate_size;
}

/*
 * Open slot s's file for a next line of next bytes.  With rotation the
 * file is a member of a series (common/seqname.h: x.ndjson, x.1.ndjson,
 * ...): a rotation takes the member after the current one; any other
 * open goes on with the highest existing member, so a restart appends
 * to the last file.  Members already full are passed over.
 */
static int file_open(struct fo_target *t, struct fslot *s, size_t next,
                     int rotating, char *errbuf, size_t errlen)
{
	struct filet *f = t->impl;
	struct stat st;
	int fl = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;
	int rot = f->rotate_size || f->rotate_secs > 0;
	char *base = expand_time(s->key ? s->key : f->tmpl);
	unsigned long seq = 0;

	if (rot && rotating && s->base && !strcmp(s->base, base))
		seq = s->seq + 1;
	else if (rot)
		seq = hs_seq_last(base);
	free(s->base);
	s->base = base;
	for (;;) {
		free(s->cur);
		s->cur = hs_seq_name(base, seq);
		s->fd = open(s->cur, fl, 0644);
		if (s->fd < 0 && errno == ENOENT && s->key) {
			/* a directory named by event fields is made on first
			 * use */
			make_parents(s->cur);
			s->fd = open(s->cur, fl, 0644);
		}
		if (s->fd < 0)
			return hs_seterr(errbuf, errlen, "cannot open '%s': %s",
			                 s->cur, strerror(errno));
		s->written = fstat(s->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
		if (!size_due(f, s->written, next))
			break;
		close(s->fd);
		s->fd = -1;
		seq++;
	}
	s->seq = seq;
	s->opened = hs_now();
	return 0;
}

/* Write the pending lines: one zstd frame per flush for .zst files
 * (common/archive.h, which also says what a crash leaves). */
static int file_flush(struct fo_target *t, struct fslot *s, char *msg,
                      size_t msglen)
{
	struct filet *f = t->impl;
	long long n = hs_arc_writer_flush_to(
	    &f->w, s->fd, s->cur ? s->cur : "<stdout>", msg, msglen);

	if (n < 0) {
		if (errno == EPIPE && s->fd == 1) {
			f->epipe = 1;
			t->sh->epipe = 1;
		}
		return -1;
	}
	s->written += (uint64_t)n;
	return 0;
}

static int file_rotate_due(struct fo_target *t, struct fslot *s, size_t next)
{
	struct filet *f = t->impl;

	return s->cur &&
	       (size_due(f, s->written, next) ||
	        (f->rotate_secs > 0 && hs_now() - s->opened >= f->rotate_secs));
}

/*
 * The lines of batch to write at once to s: all of them, but for a plain
 * file with rotate-size only those that fit (at least one); returns the
 * first item left for the next file.
 */
static struct fo_item *file_fill(struct filet *f, struct fslot *s,
                                 struct fo_item *batch)
{
	uint64_t size = s->written;
	struct fo_item *it;

	hs_arc_writer_discard(&f->w);
	for (it = batch; it; it = it->next) {
		if (it != batch && !f->zst && f->rotate_size &&
		    size + it->len + 1 > f->rotate_size)
			break;
		size += it->len + 1;
		hs_arc_writer_add(&f->w, it->data, it->len);
	}
	return it;
}

/* Write a list of items to slot s with t's retry policy, then finish
 * each: delivered, dead-lettered, or dropped (stdout went away). */
static void file_write(struct fo_target *t, struct fslot *s,
                       struct fo_item *batch)
{
	struct filet *f = t->impl;
	struct fo_item *it, *end = NULL;
	int attempt = 0, r = -1;
	const char *exhausted = "MaximumRetryAttempts";
	char msg[256], err[256];

next_file:
	while (!f->epipe) {
		int due;

		attempt++;
		due = s->fd >= 0 && file_rotate_due(t, s, batch->len + 1);
		if (s->fd < 0 || due) {
			if (s->fd >= 0)
				close(s->fd);
			s->fd = -1;
			if (file_open(t, s, batch->len + 1, due, err,
			              sizeof err) < 0) {
				snprintf(msg, sizeof msg, "%s", err);
				r = -1;
				goto failed;
			}
		}
		end = file_fill(f, s, batch);
		r = file_flush(t, s, msg, sizeof msg);
		if (r == 0)
			break;
	failed:
		if (f->epipe || attempt >= t->attempts)
			break;
		if (out_of_time(t)) {
			exhausted = "shutdown";
			break;
		}
		target_set_failing(t, 1);
		target_backoff(t, attempt, 0);
	}
	if (r != 0)
		end = NULL;
	while (batch != end) {
		it = batch;
		batch = it->next;
		if (r == 0) {
			target_done(t, 1);
			target_item_done(t, it);
		} else if (!f->epipe) {
			target_dead(t, it, "write_failed", msg, exhausted,
			            attempt);
			target_item_done(t, it);
		} else
			target_item_drop(t, it);
	}
	if (r == 0)
		target_set_failing(t, 0);
	if (r == 0 && batch) {
		/* the rest goes to the next file of the series */
		attempt = 0;
		goto next_file;
	}
}

/* The slot for path key: an open one, or the least recently used one
 * closed and reused once max_open are open. */
static struct fslot *file_slot(struct filet *f, const char *key)
{
	struct fslot *s = NULL;

	for (size_t i = 0; i < f->nslots; i++)
		if (!strcmp(f->slots[i].key, key)) {
			s = &f->slots[i];
			break;
		}
	if (!s && f->nslots < f->max_open) {
		f->slots =
		    hs_xrealloc(f->slots, (f->nslots + 1) * sizeof *f->slots);
		s = &f->slots[f->nslots++];
		memset(s, 0, sizeof *s);
		s->fd = -1;
		s->key = hs_xstrdup(key);
	} else if (!s) {
		s = &f->slots[0];
		for (size_t i = 1; i < f->nslots; i++)
			if (f->slots[i].used < s->used)
				s = &f->slots[i];
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
		free(s->key);
		s->key = hs_xstrdup(key);
	}
	s->used = ++f->clock;
	return s;
}

/* Lines are gathered and written in blocks, a block per file; a block
 * failing after its retries dead-letters each of its events. */
static void file_run(struct fo_target *t)
{
	struct filet *f = t->impl;
	struct fo_item *batch, *it, *rest, **gt, **rt;
	size_t n;

	while ((batch = target_pop(t, 256, &n))) {
		if (!f->segs) {
			file_write(t, &f->one, batch);
		} else {
			/* split off the items for the first one's file, in
			 * order, until none is left */
			while (batch) {
				const char *key =
				    batch->path ? batch->path : f->tmpl;
				struct fo_item *group = NULL;

				rest = NULL;
				gt = &group;
				rt = &rest;
				while ((it = batch)) {
					batch = it->next;
					it->next = NULL;
					if (!strcmp(it->path ? it->path
					                     : f->tmpl,
					            key)) {
						*gt = it;
						gt = &it->next;
					} else {
						*rt = it;
						rt = &it->next;
					}
				}
				file_write(t, file_slot(f, key), group);
				batch = rest;
			}
		}
		if (n < 64 && t->kind == FO_FILE) {
			/* a trickle: let items gather for a moment, so a
			 * thousand quiet targets do not cost a thread
			 * wakeup and a write(2) per event each */
			struct timespec ts = {0, 2 * 1000 * 1000};

			nanosleep(&ts, NULL);
		}
	}
}

/* Append value s[0..n) as one safe piece of a file name. */
static void put_safe(struct hs_buf *out, const char *s, size_t n)
{
	if (!n) {
		hs_buf_adds(out, "_none");
		return;
	}
	if (n > FIELD_MAX)
		n = FIELD_MAX;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		         (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		         (c == '.' && i > 0);

		hs_buf_addc(out, ok ? (char)c : '_');
	}
}

int target_reads_event(const struct fo_target *t)
{
	const struct filet *f = t->impl;

	return t->jq || t->input_path || t->xf || t->key_ptr ||
	       (t->kind == FO_FILE && f && f->segs);
}

char *target_item_path(struct fo_target *t, const struct hs_json_doc *d)
{
	struct filet *f = t->impl;
	struct hs_buf b = HS_BUF_INIT, v = HS_BUF_INIT;
	size_t n;

	if (t->kind != FO_FILE || !f->segs)
		return NULL;
	for (size_t i = 0; i < f->nsegs; i++) {
		const struct seg *g = &f->segs[i];
		uint32_t k;

		if (!g->ptr && !g->is_time) {
			hs_buf_adds(&b, g->text);
			continue;
		}
		hs_buf_reset(&v);
		k = hs_json_pointer(d, 0, g->is_time ? "/time" : g->ptr,
		                    g->is_time ? 5 : strlen(g->ptr));
		if (k == HS_JSON_NONE)
			;
		else if (hs_json_type(d, k) == HS_JSON_STRING)
			hs_json_str_decode(d, k, &v);
		else if (hs_json_type(d, k) == HS_JSON_NUMBER ||
		         hs_json_type(d, k) == HS_JSON_TRUE ||
		         hs_json_type(d, k) == HS_JSON_FALSE)
			hs_buf_add(&v, hs_json_raw(d, k), d->nodes[k].len);
		if (g->is_time) {
			struct tm tm;
			char out[256];
			size_t w = 0;

			if (hs_time_parse_lenient(v.data, v.len, &tm) == 0)
				w = strftime(out, sizeof out, g->text, &tm);
			hs_buf_reset(&v);
			hs_buf_add(&v, out, w);
		}
		put_safe(&b, v.data, v.len);
	}
	hs_buf_release(&v);
	return hs_buf_detach(&b, &n);
}

/*
 * Split a file path into text and {field} pieces.  No field: f->segs
 * stays NULL, a plain file.  An unknown {name} is refused, so a typo does
 * not become a file name.
 */
static int file_fields(struct filet *f, char *errbuf, size_t errlen)
{
	const char *p = f->tmpl, *o, *c;
	int any = 0;

	while ((o = strchr(p, '{'))) {
		struct seg g = {NULL, NULL, 0};
		size_t i;

		c = strchr(o, '}');
		if (!c)
			break;
		f->segs =
		    hs_xrealloc(f->segs, (f->nsegs + 2) * sizeof *f->segs);
		f->segs[f->nsegs++] =
		    (struct seg){hs_xstrndup(p, (size_t)(o - p)), NULL, 0};
		if (!strncmp(o + 1, "time:", 5) && c > o + 6) {
			g.is_time = 1;
			g.text = hs_xstrndup(o + 6, (size_t)(c - o - 6));
		} else {
			for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
				if (strlen(fields[i].name) ==
				        (size_t)(c - o - 1) &&
				    !strncmp(o + 1, fields[i].name,
				             (size_t)(c - o - 1)))
					break;
			if (i == sizeof fields / sizeof fields[0])
				return hs_seterr(
				    errbuf, errlen,
				    "unknown field '%.*s' in a file path (want "
				    "{source}, {detail-type}, {account}, "
				    "{region}, {id} or {time:FORMAT})",
				    (int)(c - o + 1), o);
			g.ptr = fields[i].ptr;
		}
		f->segs[f->nsegs++] = g;
		any = 1;
		p = c + 1;
	}
	if (!any)
		return 0;
	f->segs = hs_xrealloc(f->segs, (f->nsegs + 1) * sizeof *f->segs);
	f->segs[f->nsegs++] = (struct seg){hs_xstrdup(p), NULL, 0};
	return 0;
}

/* ---- exec ---- */

/*
 * The parent keeps the read end of the child's stdin pipe open too: when
 * the child dies, whatever it had not read yet is still in the pipe, and
 * is read back and fed to the next child, so a restart loses no event
 * (only a line the child had half read and then died over).
 */
struct exect {
	char **argv;
	pid_t pid;
	int fd, rfd; /* the pipe's ends, both non-blocking */
	int restarts, quick;
	double spawned;
	struct hs_buf pending; /* salvaged from a dead child's pipe */
	/*
	 * An item is delivered once a child has read its line, not when it
	 * was written into the pipe (a pipe holds many lines, and they die
	 * with the pipeline).  accepted counts the bytes of the stream
	 * handed over so far; what is not yet read is in the pipe (FIONREAD
	 * on rfd) or in pending, so the child read accepted minus that.
	 */
	uint64_t accepted;
	struct fo_item *wait_head, *wait_tail; /* written, not yet read */
};

static pthread_mutex_t spawn_mu = PTHREAD_MUTEX_INITIALIZER;

/* Split a command into words: blanks separate, '...' and "..." quote,
 * backslash escapes one character.  No shell ever sees it. */
static char **split_words(const char *s, char *errbuf, size_t errlen)
{
	char **v = NULL;
	size_t n = 0;
	struct hs_buf w = HS_BUF_INIT;

	while (*s) {
		int have = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		hs_buf_reset(&w);
		while (*s && *s != ' ' && *s != '\t') {
			have = 1;
			if (*s == '\'' || *s == '"') {
				char q = *s++;

				while (*s && *s != q)
					hs_buf_addc(&w, *s++);
				if (!*s) {
					hs_buf_release(&w);
					for (size_t i = 0; i < n; i++)
						free(v[i]);
					free(v);
					hs_seterr(
					    errbuf, errlen,
					    "unterminated quote in command");
					return NULL;
				}
				s++;
			} else if (*s == '\\' && s[1]) {
				hs_buf_addc(&w, s[1]);
				s += 2;
			} else
				hs_buf_addc(&w, *s++);
		}
		if (have) {
			v = hs_xrealloc(v, (n + 2) * sizeof *v);
			v[n++] = hs_xstrdup(w.data);
			v[n] = NULL;
		}
	}
	hs_buf_release(&w);
	if (!n) {
		hs_seterr(errbuf, errlen, "empty command");
		return NULL;
	}
	return v;
}

static int exec_spawn(struct fo_target *t, char *msg, size_t msglen)
{
	struct exect *x = t->impl;
	int p[2];
	pid_t pid;

	/* Spawns are serialized so no other child inherits this pipe's
	 * write end (it would keep the child from ever seeing EOF). */
	pthread_mutex_lock(&spawn_mu);
	if (pipe(p) < 0) {
		pthread_mutex_unlock(&spawn_mu);
		snprintf(msg, msglen, "pipe: %s", strerror(errno));
		return -1;
	}
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	pid = fork();
	if (pid < 0) {
		pthread_mutex_unlock(&spawn_mu);
		snprintf(msg, msglen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		/* the child: stdin from the pipe, stdout to our stderr so
		 * nothing but events reaches our stdout */
		dup2(p[0], 0);
		dup2(2, 1);
		signal(SIGPIPE, SIG_DFL);
		execvp(x->argv[0], x->argv);
		_exit(127);
	}
	pthread_mutex_unlock(&spawn_mu);
	/* Only the write end: the read end shares its file status flags
	 * with the child's stdin, which must stay blocking. */
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	x->pid = pid;
	x->fd = p[1];
	x->rfd = p[0];
	x->spawned = hs_now();
	return 0;
}

/* The child is gone: keep what it left unread, close the pipe. */
static void exec_salvage(struct fo_target *t)
{
	struct exect *x = t->impl;
	char buf[65536];
	ssize_t n;

	if (x->rfd >= 0) {
		/* our write end is still open: do not wait for more */
		fcntl(x->rfd, F_SETFL, O_NONBLOCK);
		while ((n = read(x->rfd, buf, sizeof buf)) > 0)
			hs_buf_add(&x->pending, buf, (size_t)n);
		close(x->rfd);
	}
	if (x->fd >= 0)
		close(x->fd);
	x->fd = x->rfd = -1;
}

/* Has the child exited?  Reap it and salvage its pipe if so. */
static int exec_dead(struct fo_target *t)
{
	struct exect *x = t->impl;

	if (x->pid <= 0)
		return 1;
	if (waitpid(x->pid, NULL, WNOHANG) == x->pid) {
		x->pid = -1;
		exec_salvage(t);
		return 1;
	}
	return 0;
}

/* End of input: close stdin, wait for the child to finish. */
static void exec_reap(struct fo_target *t)
{
	struct exect *x = t->impl;

	if (x->fd >= 0)
		close(x->fd);
	x->fd = -1;
	if (x->pid > 0)
		waitpid(x->pid, NULL, 0);
	x->pid = -1;
	if (x->rfd >= 0)
		close(x->rfd);
	x->rfd = -1;
}

static void exec_confirm(struct fo_target *t);

/* Write p[0..n) to the live child, restarting it as often as needed. */
static int exec_write(struct fo_target *t, const char *p, size_t n, char *code,
                      size_t codelen, char *msg, size_t msglen)
{
	struct exect *x = t->impl;

	for (;;) {
		if (exec_dead(t)) {
			/* a child dying at once again and again backs off */
			if (x->restarts && hs_now() - x->spawned < 1) {
				if (++x->quick >= t->attempts ||
				    out_of_time(t)) {
					snprintf(code, codelen, "child_exited");
					snprintf(msg, msglen,
					         "'%s' keeps exiting",
					         x->argv[0]);
					return -1;
				}
				target_backoff(t, x->quick, 0);
			} else
				x->quick = 0;
			if (x->restarts++)
				hs_err("target '%s': restarting '%s'", t->id,
				       x->argv[0]);
			if (exec_spawn(t, msg, msglen) < 0) {
				snprintf(code, codelen, "spawn_failed");
				return -1;
			}
		}
		while (x->pending.len) {
			ssize_t w =
			    write(x->fd, x->pending.data, x->pending.len);

			if (w <= 0)
				break;
			memmove(x->pending.data, x->pending.data + w,
			        x->pending.len - (size_t)w);
			hs_buf_setlen(&x->pending, x->pending.len - (size_t)w);
		}
		while (!x->pending.len && n) {
			ssize_t w = write(x->fd, p, n);

			if (w <= 0)
				break;
			p += w;
			n -= (size_t)w;
			x->accepted += (uint64_t)w;
		}
		if (!n && !x->pending.len)
			return 0;
		if (errno != EAGAIN && errno != EINTR) {
			snprintf(code, codelen, "write_failed");
			snprintf(msg, msglen, "'%s': %s", x->argv[0],
			         strerror(errno));
			return -1;
		}
		{
			struct pollfd pf = {x->fd, POLLOUT, 0};

			poll(&pf, 1, 50);
		}
		exec_confirm(t);
	}
}

static int exec_send(struct fo_target *t, struct fo_item *it, char *code,
                     size_t codelen, char *msg, size_t msglen)
{
	char nl = '\n';

	if (exec_write(t, it->data, it->len, code, codelen, msg, msglen) < 0)
		return -1;
	return exec_write(t, &nl, 1, code, codelen, msg, msglen);
}

/* Bytes of the stream a child has read so far. */
static uint64_t exec_consumed(struct fo_target *t)
{
	struct exect *x = t->impl;
	uint64_t unread = x->pending.len;
	int inpipe = 0;

	if (x->rfd >= 0 && ioctl(x->rfd, FIONREAD, &inpipe) == 0 && inpipe > 0)
		unread += (uint64_t)inpipe;
	return unread < x->accepted ? x->accepted - unread : 0;
}

/* Finish the waiting items whose lines a child has read. */
static void exec_confirm(struct fo_target *t)
{
	struct exect *x = t->impl;
	uint64_t done, consumed;
	struct fo_item *it;

	if (!x->wait_head)
		return;
	consumed = exec_consumed(t);
	for (done = 0; (it = x->wait_head) && it->end <= consumed; done++) {
		x->wait_head = it->next;
		target_item_done(t, it);
	}
	if (!x->wait_head)
		x->wait_tail = NULL;
	if (done)
		target_done(t, done);
}

/*
 * Write items one at a time into the child's pipe with the target's retry
 * policy (dead-lettering the failures); a written item waits until the
 * child has read it.  While items wait, the queue is polled with a
 * timeout so their confirmation does not wait for the next event.
 */
static void exec_run(struct fo_target *t)
{
	struct exect *x = t->impl;
	struct fo_item *it;
	size_t n;
	int closed = 0;
	char code[64], msg[256];

	for (;;) {
		it = target_pop_timed(t, 1, &n, x->wait_head ? 0.02 : -1,
		                      &closed);
		exec_confirm(t);
		if (!it) {
			if (closed)
				break;
			continue;
		}
		int attempt = 0, r;
		const char *exhausted = NULL;

		for (;;) {
			attempt++;
			code[0] = msg[0] = '\0';
			r = exec_send(t, it, code, sizeof code, msg,
			              sizeof msg);
			if (r == 0)
				break;
			target_set_failing(t, 1);
			if (attempt >= t->attempts)
				exhausted = "MaximumRetryAttempts";
			else if (hs_now() - it->t0 >= t->max_age)
				exhausted = "MaximumEventAgeInSeconds";
			else if (out_of_time(t))
				exhausted = "shutdown";
			if (exhausted)
				break;
			target_backoff(t, attempt, 0);
		}
		if (r == 0) {
			target_set_failing(t, 0);
			it->end = x->accepted;
			it->next = NULL;
			if (x->wait_tail)
				x->wait_tail->next = it;
			else
				x->wait_head = it;
			x->wait_tail = it;
		} else {
			target_dead(t, it, code, msg, exhausted, attempt);
			target_item_done(t, it);
		}
	}
}

/*
 * End of input: close the child's stdin and wait for it.  A child that
 * exits leaving lines unread (or a dead one's salvage) gets a successor
 * for them, so the lines queued to it all get read.
 */
static void exec_finish(struct fo_target *t)
{
	struct exect *x = t->impl;
	struct fo_item *it;
	char code[64], msg[256];
	char buf[65536];
	ssize_t n;

	for (;;) {
		if (x->pending.len && exec_write(t, "", 0, code, sizeof code,
		                                 msg, sizeof msg) < 0) {
			hs_err("target '%s': %zu bytes not delivered: %s",
			       t->id, x->pending.len, msg);
			break;
		}
		if (x->fd >= 0)
			close(x->fd);
		x->fd = -1;
		if (x->pid > 0)
			waitpid(x->pid, NULL, 0);
		x->pid = -1;
		if (x->rfd >= 0) {
			while ((n = read(x->rfd, buf, sizeof buf)) > 0)
				hs_buf_add(&x->pending, buf, (size_t)n);
			close(x->rfd);
			x->rfd = -1;
		}
		if (!x->pending.len)
			break;
	}
	exec_confirm(t);
	/* what no child read is dead-lettered, never silently lost */
	while ((it = x->wait_head)) {
		x->wait_head = it->next;
		target_dead(t, it, "child_exited", "no child read this event",
		            "MaximumRetryAttempts", t->attempts);
		target_item_done(t, it);
	}
	x->wait_tail = NULL;
}

/* ---- the target object ---- */

static int has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* file:PATH?rotate-size=64M&rotate-time=1h&max-open=64 */
static int file_parse(struct fo_target *t, const char *spec, char *errbuf,
                      size_t errlen)
{
	struct filet *f = hs_xcalloc(1, sizeof *f);
	const char *q = strchr(spec, '?');
	size_t plen = q ? (size_t)(q - spec) : strlen(spec);

	t->impl = f;
	f->one.fd = -1;
	f->max_open = MAX_OPEN;
	f->tmpl = hs_xstrndup(spec, plen);
	hs_arc_writer_init(&f->w, 0);
	if (!plen)
		return hs_seterr(errbuf, errlen, "file target without a path");
	f->zst = f->w.zst = plen > 4 && !strcmp(f->tmpl + plen - 4, ".zst");
	while (q && *q) {
		char kv[256];
		const char *e = strchr(q + 1, '&');
		size_t n = e ? (size_t)(e - q - 1) : strlen(q + 1);

		if (n >= sizeof kv)
			return hs_seterr(errbuf, errlen, "option too long");
		memcpy(kv, q + 1, n);
		kv[n] = '\0';
		if (has_prefix(kv, "rotate-size=")) {
			if (hs_parse_size(kv + 12, &f->rotate_size) < 0)
				return hs_seterr(errbuf, errlen,
				                 "bad rotate-size '%s'",
				                 kv + 12);
		} else if (has_prefix(kv, "rotate-time=")) {
			if (hs_parse_duration(kv + 12, &f->rotate_secs) < 0)
				return hs_seterr(errbuf, errlen,
				                 "bad rotate-time '%s'",
				                 kv + 12);
		} else if (has_prefix(kv, "max-open=")) {
			const char *errstr;

			f->max_open =
			    (size_t)hs_strtonum(kv + 9, 1, 4096, &errstr);
			if (errstr)
				return hs_seterr(errbuf, errlen,
				                 "max-open '%s' is %s", kv + 9,
				                 errstr);
		} else
			return hs_seterr(errbuf, errlen,
			                 "unknown file option '%s'", kv);
		q = e;
	}
	return file_fields(f, errbuf, errlen);
}

struct fo_target *target_new(const char *id, const char *uri,
                             struct fo_shared *sh, char *errbuf, size_t errlen)
{
	struct fo_target *t = hs_xcalloc(1, sizeof *t);
	int r = 0;

	t->id = hs_xstrdup(id);
	t->uri = hs_xstrdup(uri);
	t->sh = sh;
	t->attempts = 3;
	t->max_age = 300;
	t->timeout = 5;
	t->batch = 1;
	t->qmax = 10000;
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	if (!strcmp(uri, "-")) {
		struct filet *f = hs_xcalloc(1, sizeof *f);

		t->kind = FO_STDOUT;
		t->impl = f;
		f->one.fd = 1;
		f->tmpl = hs_xstrdup("<stdout>");
		hs_arc_writer_init(&f->w, 0);
		t->attempts = 1;
	} else if (has_prefix(uri, "file:")) {
		t->kind = FO_FILE;
		r = file_parse(t, uri + 5, errbuf, errlen);
	} else if (has_prefix(uri, "exec:")) {
		struct exect *x = hs_xcalloc(1, sizeof *x);

		t->kind = FO_EXEC;
		t->impl = x;
		x->pid = -1;
		x->fd = -1;
		x->rfd = -1;
		hs_buf_init(&x->pending);
		x->argv = split_words(uri + 5, errbuf, errlen);
		if (!x->argv)
			r = -1;
	} else if (has_prefix(uri, "http://") || has_prefix(uri, "https://")) {
		t->kind = FO_HTTP;
	} else if (has_prefix(uri, "kafka://")) {
		t->kind = FO_KAFKA;
		r = kafka_uri(uri, NULL, NULL, errbuf, errlen);
	} else {
		r = hs_seterr(errbuf, errlen,
		              "unknown target '%s' (want -, file:, exec:, "
		              "http://, https:// or kafka://)",
		              uri);
	}
	if (r < 0) {
		target_free(t);
		return NULL;
	}
	return t;
}

static void *worker(void *arg)
{
	struct fo_target *t = arg;

	switch (t->kind) {
	case FO_STDOUT:
	case FO_FILE:
		file_run(t);
		break;
	case FO_EXEC:
		exec_run(t);
		exec_finish(t);
		break;
	case FO_HTTP:
		http_run(t);
		break;
	case FO_KAFKA:
		kafka_run(t);
		break;
	}
	return NULL;
}

int target_start(struct fo_target *t, char *errbuf, size_t errlen)
{
	int r = 0;

	/* a path naming event fields is opened per event, as they come */
	if (t->kind == FO_FILE && !((struct filet *)t->impl)->segs)
		r = file_open(t, &((struct filet *)t->impl)->one, 0, 0, errbuf,
		              errlen);
	else if (t->kind == FO_HTTP)
		r = http_open(t, errbuf, errlen);
	else if (t->kind == FO_KAFKA)
		r = kafka_open(t, errbuf, errlen);
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

void target_free(struct fo_target *t)
{
	if (!t)
		return;
	target_finish(t);
	free_list(t->spare);
	free_list(t->rspare);
	t->spare = t->rspare = NULL;
	switch (t->kind) {
	case FO_STDOUT:
	case FO_FILE:
		if (t->impl) {
			struct filet *f = t->impl;

			if (t->kind == FO_FILE && f->one.fd >= 0)
				close(f->one.fd);
			free(f->one.cur);
			free(f->one.base);
			for (size_t i = 0; i < f->nslots; i++) {
				if (f->slots[i].fd >= 0)
					close(f->slots[i].fd);
				free(f->slots[i].key);
				free(f->slots[i].cur);
				free(f->slots[i].base);
			}
			free(f->slots);
			for (size_t i = 0; i < f->nsegs; i++)
				free(f->segs[i].text);
			free(f->segs);
			free(f->tmpl);
			hs_arc_writer_release(&f->w);
			free(f);
		}
		break;
	case FO_EXEC:
		if (t->impl) {
			struct exect *x = t->impl;

			exec_reap(t);
			hs_buf_release(&x->pending);
			for (size_t i = 0; x->argv && x->argv[i]; i++)
				free(x->argv[i]);
			free(x->argv);
			free(x);
		}
		break;
	case FO_HTTP:
		http_close(t);
		break;
	case FO_KAFKA:
		kafka_close(t);
		break;
	}
	while (t->head) {
		struct fo_item *it = t->head;

		t->head = it->next;
		target_item_drop(t, it);
	}
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->cv);
	free(t->id);
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
