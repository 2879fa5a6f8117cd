/*
 * archive.c: hs-replay's replay policy for archive files: which file to
 * resume in, each line's fate (replay_event(), dead letters for
 * oversize and damaged lines), the checkpoint position after each line,
 * and the warning for files a resume passes over.  Listing, ordering and
 * reading the files (zstd frames, resume by frame, the crash rule) is
 * common/archive.h's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "archive.h"
#include "err.h"
#include "exit.h"
#include "replay.h"
#include "banned.h"

/* Index of the checkpoint's file in v: by identity first (a rotation
 * may have renamed it), then by name; -1 when it is gone. */
static int find_resume(const struct hs_arc_file *v, int n,
                       const struct position *p)
{
	for (int i = 0; i < n; i++)
		if (p->ino && v[i].ino == p->ino && v[i].dev == p->dev)
			return i;
	for (int i = 0; i < n; i++)
		if (strcmp(v[i].path, p->file) == 0)
			return i;
	return -1;
}

static void note_position(struct replay *rp, const struct hs_arc_file *f,
                          const struct hs_arc_reader *r)
{
	struct position *p = &rp->pos;
	struct hs_arc_pos at;

	if (!p->file || strcmp(p->file, f->path) != 0) {
		free(p->file);
		p->file = hs_xstrdup(f->path);
	}
	p->dev = f->dev;
	p->ino = f->ino;
	hs_arc_tell(r, &at);
	p->offset = at.offset;
	p->frame_z = at.frame_z;
	p->frame_u = at.frame_u;
	p->line = at.line;
}

static void span_moving(void *ctx)
{
	replay_flush_span(ctx);
}

/* The oversize line's streamer for replay_reject_oversize(). */
static long long rest_of_line(void *src,
                              void (*fn)(void *ctx, const char *p, size_t n),
                              void *ctx)
{
	return hs_arc_rest(src, fn, ctx);
}

/* Replay one file from pos (or its start).  Returns -1 to stop. */
static int replay_file(struct replay *rp, const struct hs_arc_file *f,
                       const struct position *pos, uint64_t base)
{
	struct hs_arc_pos at;
	struct hs_arc_reader r;
	struct origin o = {.file = f->path, .partition = -1, .offset = -1};
	const char *line;
	size_t len;
	char msg[320];
	int k, rc = 0;

	if (pos) {
		at.offset = pos->offset;
		at.frame_z = pos->frame_z;
		at.frame_u = pos->frame_u;
		at.line = pos->line;
	}
	if (hs_arc_open(&r, f, rp->opts.max_event_size, pos ? &at : NULL, 1) <
	    0) {
		hs_err("%s", r.errbuf);
		hs_arc_close(&r);
		hs_sink_raise(&rp->t.sink, HS_EXIT_IO);
		return 0; /* go on with the next file */
	}
	r.moving = span_moving;
	r.moving_ctx = rp;
	r.idle = replay_idle;
	r.idle_ctx = rp;
	r.drain_secs = rp->opts.drain_timeout;
	/* a stop signal ends reading in hs_arc_next() (archive.h) */
	while (!rp->t.failed &&
	       (k = hs_arc_next(&r, &line, &len)) != HS_ARC_END) {
		long long rest;

		o.line = r.lineno;
		o.nl = r.nl;
		switch (k) {
		case HS_ARC_LINE:
			replay_event(rp, line, len, NO_TIME, &o);
			break;
		case HS_ARC_TOOBIG:
			rest = replay_reject_oversize(rp, rest_of_line, &r, &o);
			rp->dirty = 1;
			if (rest == -3)
				goto out; /* stopped inside it: resume before it */
			if (rest == -1) {
				hs_err("%s", r.errbuf);
				hs_sink_fail(&rp->t.sink, HS_EXIT_IO);
				rc = -1;
				goto out;
			}
			break;
		case HS_ARC_DAMAGE:
			hs_err("%s", r.errbuf);
			rp->damaged++;
			hs_sink_raise(&rp->t.sink, HS_EXIT_REJECT);
			if (len) {
				snprintf(msg, sizeof(msg),
				         "line cut by damaged data (%s)",
				         r.errbuf);
				replay_reject_raw(rp, "truncated", msg, line,
				                  len, &o);
			}
			rp->dirty = 1;
			break;
		default:
			hs_err("%s", r.errbuf);
			hs_sink_fail(&rp->t.sink, HS_EXIT_IO);
			rc = -1;
			goto out;
		}
		note_position(rp, f, &r);
		rp->pos_done = base + (r.zst ? r.zoff + r.zpos : r.line_end);
		replay_batch(rp, 0);
		replay_progress(rp, 0, 0);
	}
out:
	rp->t.stats.blank += r.blank;
	hs_arc_close(&r);
	return replay_stopped(rp) ? -1 : rc;
}

/*
 * A resumed run goes on from the checkpoint's file: the files sorted
 * before it count as replayed.  One written after the checkpoint but
 * sorted before it (its events are older) is left out, so say so.
 */
static void warn_skipped(struct replay *rp, const struct hs_arc_file *v,
                         int first)
{
	struct stat st;
	int64_t ck;

	if (rp->opts.quiet || stat(rp->ckpt, &st) < 0)
		return;
	ck = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
	for (int i = 0; i < first; i++)
		if (v[i].mtime_ms > ck)
			hs_err("'%s' changed after checkpoint '%s' but sorts "
			       "before '%s', where the run resumes: it is not "
			       "replayed (replay it alone, or --reset)",
			       v[i].path, rp->ckpt, v[first].path);
}

int replay_archives(struct replay *rp, char **paths, int npaths)
{
	struct hs_arc_file *v;
	struct position resume = {0};
	uint64_t base = 0;
	int n, first = 0, have = 0;

	n = hs_arc_list(paths, npaths, rp->opts.max_event_size, &v);
	if (n < 0) {
		hs_sink_raise(&rp->t.sink, HS_EXIT_IO);
		return rp->t.rc;
	}
	if (rp->pos.topic) {
		hs_err("checkpoint '%s' is for Kafka topic '%s', not archives "
		       "(--reset starts over)",
		       rp->ckpt, rp->pos.topic);
		goto refuse;
	}
	if (rp->pos.file) {
		first = find_resume(v, n, &rp->pos);
		if (first < 0) {
			hs_err("checkpoint '%s' names '%s', which is not among "
			       "the sources any more (--reset starts over)",
			       rp->ckpt, rp->pos.file);
			goto refuse;
		}
		resume = rp->pos;
		resume.file = resume.topic = NULL;
		resume.next = NULL;
		have = 1;
		warn_skipped(rp, v, first);
	}
	for (int i = 0; i < n; i++)
		rp->pos_total += v[i].size;
	for (int i = 0; i < first; i++)
		base += v[i].size;
	for (int i = first; i < n; i++) {
		/* rotated files do not overlap: one starting at or after
		 * --to holds nothing for the window */
		if (rp->to != NO_TIME && v[i].timed_key &&
		    v[i].key_ms >= rp->to)
			break;
		if (replay_file(rp, &v[i], have && i == first ? &resume : NULL,
		                base) < 0)
			break;
		base += v[i].size;
	}
	hs_arc_files_free(v, n);
	hs_arc_pool_release();
	return rp->t.rc;
refuse: /* the checkpoint does not fit these sources */
	hs_arc_files_free(v, n);
	hs_sink_raise(&rp->t.sink, HS_EXIT_USAGE);
	return rp->t.rc;
}
