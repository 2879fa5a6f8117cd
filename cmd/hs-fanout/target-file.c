/*
 * target-file.c: the stdout kind ("-") and the file kind (file:PATH,
 * plain or zstd frames, rotated by size and age, a path that may name
 * event fields with up to max-open files open), as target.h's operations.
 *
 * Lines are gathered and written in blocks, a block per file, with the
 * target's retry policy.  It owns its struct filet (t->impl); the queue,
 * the worker thread and the dead-letter records are target.c's and
 * queue.c's, reached only through target.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "archive.h"
#include "buf.h"
#include "err.h"
#include "json.h"
#include "opts.h"
#include "out.h"
#include "seqname.h"
#include "timeutil.h"
#include "stats.h"
#include "exit.h"
#include "sink.h"
#include "target.h"
#include "banned.h"

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
 * Open s->cur for appending, readable too so that a torn tail (a crash
 * or a full disk, archive.h's crash rule) is cut before anything is
 * appended, and said once.  A file we may only write is appended to as
 * it is.
 */
static int file_open_one(struct filet *f, struct fslot *s, char *errbuf,
                         size_t errlen)
{
	int fl = O_CREAT | O_APPEND | O_CLOEXEC;
	uint64_t cut;
	char err[256];

	s->fd = open(s->cur, fl | O_RDWR, 0644);
	if (s->fd < 0 && errno == ENOENT && s->key) {
		/* a directory named by event fields is made on first use */
		make_parents(s->cur);
		s->fd = open(s->cur, fl | O_RDWR, 0644);
	}
	if (s->fd < 0 && errno == EACCES) {
		s->fd = open(s->cur, fl | O_WRONLY, 0644);
		if (s->fd >= 0)
			return 0;
	}
	if (s->fd < 0)
		return hs_seterr(errbuf, errlen, "cannot open '%s': %s", s->cur,
		                 strerror(errno));
	if (hs_arc_repair_tail(s->fd, f->zst, &cut, err, sizeof err) < 0)
		hs_err("file:%s: %s", s->cur, err);
	else if (cut)
		hs_err("file:%s: cut %llu torn bytes at the end (a crash or a "
		       "full disk)",
		       s->cur, (unsigned long long)cut);
	return 0;
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
		if (file_open_one(f, s, errbuf, errlen) < 0)
			return -1;
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
			hs_sink_raise(t->sh->sink, HS_EXIT_SIGNAL + 13);
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
		if (fo_out_of_time(t->sh)) {
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
		if (n < 64 && t->ops == &fo_file_ops) {
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

static int file_reads_event(const struct fo_target *t)
{
	const struct filet *f = t->impl;

	return f && f->segs;
}

static char *file_item_path(struct fo_target *t, const struct hs_json_doc *d)
{
	struct filet *f = t->impl;
	struct hs_buf b = HS_BUF_INIT, v = HS_BUF_INIT;
	size_t n;

	if (!f->segs)
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

static int file_new(struct fo_target *t, const char *uri, char *errbuf,
                    size_t errlen)
{
	return file_parse(t, uri + 5, errbuf, errlen);
}

static int stdout_new(struct fo_target *t, const char *uri, char *errbuf,
                      size_t errlen)
{
	struct filet *f = hs_xcalloc(1, sizeof *f);

	(void)uri;
	(void)errbuf;
	(void)errlen;
	t->impl = f;
	f->one.fd = 1;
	f->tmpl = hs_xstrdup("<stdout>");
	hs_arc_writer_init(&f->w, 0);
	t->attempts = 1;
	return 0;
}

/* A path naming event fields is opened per event, as they come. */
static int file_start(struct fo_target *t, char *errbuf, size_t errlen)
{
	struct filet *f = t->impl;

	if (f->segs)
		return 0;
	return file_open(t, &f->one, 0, 0, errbuf, errlen);
}

/* Release f; closeone: f->one is a file of ours (not stdout). */
static void filet_free(struct filet *f, int closeone)
{
	if (!f)
		return;
	if (closeone && f->one.fd >= 0)
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

static void file_close(struct fo_target *t)
{
	filet_free(t->impl, 1);
	t->impl = NULL;
}

static void stdout_close(struct fo_target *t)
{
	filet_free(t->impl, 0);
	t->impl = NULL;
}

const struct target_ops fo_stdout_ops = {
    .name = "stdout",
    .parse = stdout_new,
    .run = file_run,
    .close = stdout_close,
    .flags = FO_OPS_STDOUT,
};

const struct target_ops fo_file_ops = {
    .name = "file",
    .parse = file_new,
    .open = file_start,
    .run = file_run,
    .close = file_close,
    .reads_event = file_reads_event,
    .item_path = file_item_path,
};
