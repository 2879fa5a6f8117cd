/*
 * archive-read.c: the archive reader (archive.h): lines out of a plain
 * or zstd archive file, from its start or from a resume position, and
 * the crash rule of archive.h applied as it reads (torn frame: the file
 * ends; corrupt data: resync to the next frame magic; the cut line as
 * HS_ARC_DAMAGE).  Listing and ordering files is archive-list.c's; what
 * a tool does with the lines is the tool's.
 *
 * The zstd reader streams with ZSTD_decompressStream(), so memory stays
 * bounded by the decoder's window and the longest line.  It notes where
 * each frame starts (compressed and uncompressed offsets): a position
 * names the frame holding it, and a resume seeks straight to that frame
 * and drops the bytes before the position, without decoding the file
 * from its start.  ZSTD_decompressStream() returns at every frame end,
 * which is what makes the noted starts exact.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "archive.h"
#include "err.h"
#include "lineio.h"
#include "sig.h"
#include "stats.h"
#include "banned.h"

#define BUF_MIN (1u << 20)

static void mark_push(struct hs_arc_reader *r, uint64_t z, uint64_t u)
{
	r->marks =
	    hs_xgrow(r->marks, sizeof(*r->marks), r->nmarks + 1, &r->capmarks);
	r->marks[r->nmarks].z = z;
	r->marks[r->nmarks].u = u;
	r->nmarks++;
}

static int thread_start(struct hs_arc_reader *r);
static void thread_stop(struct hs_arc_reader *r);

int hs_arc_open(struct hs_arc_reader *r, const struct hs_arc_file *f,
                size_t max, const struct hs_arc_pos *pos, int threaded)
{
	uint64_t z = 0, u = 0;
	struct stat st;

	memset(r, 0, sizeof(*r));
	r->path = f->path;
	r->zst = f->zst;
	r->max = max;
	if (!f->is_stdin)
		r->fd = open(f->path, O_RDONLY | O_CLOEXEC);
	else if (f->regular) /* its own offset: peeked at, then read */
		r->fd = open("/dev/stdin", O_RDONLY | O_CLOEXEC);
	else
		r->fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
	if (r->fd < 0)
		return hs_seterr(r->errbuf, sizeof(r->errbuf),
		                 "cannot open '%s': %s", f->path,
		                 strerror(errno));
	if (fstat(r->fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		r->live = 1;
		r->drainable = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
	}
	if (pos) {
		z = r->zst ? pos->frame_z : pos->offset;
		u = r->zst ? pos->frame_u : pos->offset;
		if (u > pos->offset)
			u = z = 0;
		r->skip = pos->offset - u;
		r->lineno = pos->line;
		if (z && lseek(r->fd, (off_t)z, SEEK_SET) < 0)
			return hs_seterr(r->errbuf, sizeof(r->errbuf),
			                 "cannot seek in '%s': %s", f->path,
			                 strerror(errno));
	}
	r->zoff = z;
	r->uoff = u;
	r->cap = BUF_MIN;
	r->buf = r->own = hs_xmalloc(r->cap);
	if (r->zst) {
		r->dctx = ZSTD_createDCtx();
		if (!r->dctx)
			return hs_seterr(r->errbuf, sizeof(r->errbuf),
			                 "out of memory for zstd");
		r->zcap = ZSTD_DStreamInSize();
		r->zin = hs_xmalloc(r->zcap);
	}
	mark_push(r, z, u);
	if (threaded && r->zst && f->regular)
		return thread_start(r);
	return 0;
}

void hs_arc_close(struct hs_arc_reader *r)
{
	if (r->moving)
		r->moving(r->moving_ctx);
	r->moving = NULL;
	thread_stop(r);
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	ZSTD_freeDCtx(r->dctx);
	r->dctx = NULL;
	free(r->zin);
	free(r->own);
	free(r->marks);
	r->zin = NULL;
	r->buf = r->own = NULL;
	r->marks = NULL;
}

void hs_arc_tell(const struct hs_arc_reader *r, struct hs_arc_pos *pos)
{
	pos->offset = r->line_end;
	pos->frame_z = r->marks[0].z;
	pos->frame_u = r->marks[0].u;
	pos->line = r->lineno;
}

/* Forget frame starts before the one holding off. */
static void marks_pass(struct hs_arc_reader *r, uint64_t off)
{
	size_t k = 0;

	while (k + 1 < r->nmarks && r->marks[k + 1].u <= off)
		k++;
	if (k) {
		memmove(r->marks, r->marks + k,
		        (r->nmarks - k) * sizeof(*r->marks));
		r->nmarks -= k;
	}
}

/* 1 when a stop signal ends reading now: at once for files, after a
 * bounded drain for pipes and sockets (common/lineio.h's rule). */
static int stop_now(struct hs_arc_reader *r)
{
	return hs_stop_now(hs_sig_stop != 0, r->drainable, r->drain_secs,
	                   &r->drain_deadline);
}

/*
 * read(2).  For live input (not a regular file), a read that would block
 * runs idle() first, and a stop signal ends reading: -3.  The signal
 * handlers are installed without SA_RESTART, so a signal interrupts a
 * blocked read or poll and the loop sees it.
 */
static ssize_t read_some(struct hs_arc_reader *r, void *p, size_t n)
{
	for (;;) {
		struct pollfd pf = {.fd = r->fd, .events = POLLIN};
		ssize_t k;

		if (r->live) {
			if (stop_now(r))
				return -3;
			if (r->idle && poll(&pf, 1, 0) == 0) {
				int ms = r->idle(r->idle_ctx);

				/* a checkpoint is pending: save it when due */
				while (ms >= 0 && !hs_sig_stop &&
				       poll(&pf, 1, ms) == 0)
					ms = r->idle(r->idle_ctx);
				if (ms == -2)
					return -3; /* the run failed */
			}
			if (hs_sig_stop) {
				double left;

				if (stop_now(r))
					return -3;
				/* draining: never block past the deadline */
				left = r->drain_deadline - hs_now();
				if (poll(&pf, 1,
				         left > 0.1
				             ? 100
				             : (int)(left * 1000) + 1) <= 0)
					continue;
			}
		}
		k = read(r->fd, p, n);
		if (k >= 0 || errno != EINTR)
			return k;
	}
}

/* Scan for the next frame magic after corrupt data; 1 found, 0 EOF,
 * -1 read error, -3 stop. */
static int resync(struct hs_arc_reader *r)
{
	for (;;) {
		const unsigned char *m = NULL;
		ssize_t k;

		if (r->zlen - r->zpos >= 4)
			m = hs_arc_find_magic(r->zin + r->zpos,
			                      r->zlen - r->zpos);
		if (m) {
			r->zpos = (size_t)(m - r->zin);
			r->resync = 0;
			return 1;
		}
		/* keep 3 bytes: the magic may straddle two reads */
		if (r->zlen - r->zpos > 3) {
			size_t keep = 3;

			memmove(r->zin, r->zin + r->zlen - keep, keep);
			r->zoff += r->zlen - keep;
			r->zpos = 0;
			r->zlen = keep;
		}
		k = read_some(r, r->zin + r->zlen, r->zcap - r->zlen);
		if (k < 0)
			return k == -3 ? -3 : -1;
		if (k == 0)
			return 0;
		r->zlen += (size_t)k;
	}
}

/*
 * Append decompressed bytes to buf[end..cap).  Returns bytes added (> 0),
 * 0 at a clean end, -1 on a read error, -2 on damage (errbuf set), -3
 * on a stop signal.
 */
static long fill(struct hs_arc_reader *r)
{
	ssize_t k;

	if (!r->zst) {
		k = read_some(r, r->buf + r->end, r->cap - r->end);
		if (k == -3)
			return -3;
		if (k < 0)
			return hs_seterr(r->errbuf, sizeof(r->errbuf),
			                 "cannot read '%s': %s", r->path,
			                 strerror(errno));
		r->end += (size_t)k;
		return k;
	}
	for (;;) {
		ZSTD_inBuffer in;
		ZSTD_outBuffer out = {r->buf + r->end, r->cap - r->end, 0};
		size_t ret;

		if (r->resync) {
			int s = resync(r);

			if (s == -3)
				return -3;
			if (s < 0)
				return hs_seterr(r->errbuf, sizeof(r->errbuf),
				                 "cannot read '%s': %s",
				                 r->path, strerror(errno));
			if (s == 0)
				return 0;
		}
		if (r->zpos == r->zlen) {
			r->zoff += r->zlen;
			r->zpos = r->zlen = 0;
			k = read_some(r, r->zin, r->zcap);
			if (k == -3)
				return -3;
			if (k < 0)
				return hs_seterr(r->errbuf, sizeof(r->errbuf),
				                 "cannot read '%s': %s",
				                 r->path, strerror(errno));
			if (k == 0) {
				if (!r->mid_frame)
					return 0;
				r->mid_frame = 0;
				r->damaged++;
				hs_seterr(
				    r->errbuf, sizeof(r->errbuf),
				    "%s: zstd frame at byte %llu is "
				    "truncated",
				    r->path,
				    (unsigned long long)r->marks[r->nmarks - 1]
				        .z);
				return -2;
			}
			r->zlen = (size_t)k;
		}
		if (!r->mid_frame) {
			uint64_t u = r->uoff + r->end;

			if (r->marks[r->nmarks - 1].u != u ||
			    r->marks[r->nmarks - 1].z != r->zoff + r->zpos)
				mark_push(r, r->zoff + r->zpos, u);
			r->mid_frame = 1;
		}
		in.src = r->zin;
		in.size = r->zlen;
		in.pos = r->zpos;
		ret = ZSTD_decompressStream(r->dctx, &out, &in);
		r->zpos = in.pos;
		if (ZSTD_isError(ret)) {
			uint64_t fz = r->marks[r->nmarks - 1].z;

			r->damaged++;
			r->mid_frame = 0;
			r->resync = 1;
			ZSTD_DCtx_reset(r->dctx, ZSTD_reset_session_only);
			/* look for the next frame after this frame's start */
			if (fz + 1 >= r->zoff && fz + 1 <= r->zoff + r->zlen)
				r->zpos = (size_t)(fz + 1 - r->zoff);
			else if (lseek(r->fd, (off_t)(fz + 1), SEEK_SET) >= 0) {
				r->zoff = fz + 1;
				r->zpos = r->zlen = 0;
			}
			r->end += out.pos;
			hs_seterr(r->errbuf, sizeof(r->errbuf),
			          "%s: zstd frame at byte %llu is corrupt: %s",
			          r->path, (unsigned long long)fz,
			          ZSTD_getErrorName(ret));
			return -2;
		}
		if (ret == 0)
			r->mid_frame = 0;
		r->end += out.pos;
		if (out.pos > 0)
			return (long)out.pos;
	}
}

/*
 * The decompressing thread.  It runs fill() on a reader of its own (the
 * file, the zstd context, the frame marks) into 1 MiB chunks from a small
 * ring, and queues each chunk with its uncompressed offset, the frame
 * starts noted while filling it and what ended it (damage, end of file,
 * read error).  The line reader does not copy chunks: its buf points into
 * the chunk it is scanning (zmode), and lines handed out point there too,
 * so with whole spans written straight from chunks a replay touches each
 * byte twice (decode, scan) instead of four times.  Only the one line
 * that straddles two chunks is copied into the reader's own buffer.
 * Offsets and frame marks are exactly those of the unthreaded reader.
 * Decompressing one chunk while the previous one is parsed makes a
 * replay about as fast as the slower of the two instead of their sum.
 */
#define NCHUNK 4
#define CHUNK (1u << 20)

enum { EV_NONE, EV_DAMAGE, EV_EOF, EV_ERR };

struct chunk {
	char *data;
	size_t len, off; /* off: bytes the line reader has taken */
	uint64_t uoff;   /* uncompressed offset of data[0] */
	uint64_t zend;   /* compressed offset reached, for progress */
	struct hs_arc_mark *marks;
	size_t nmarks, capmarks;
	int ev, corrupt;
	char msg[256];
};

struct hs_arc_zthread {
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct hs_arc_reader src; /* the thread's own reader */
	struct chunk chunks[NCHUNK];
	unsigned head, count; /* queued chunks: ring of count from head */
	int stop;
	int eof;           /* the last chunk ended the file */
	struct chunk *cur; /* the queued chunk the line reader is on */
};

/* Chunk buffers kept from one file to the next: fresh ones would cost
 * a page fault and a cleared page every 4 KiB of every file. */
static char *pool[NCHUNK];

static char *chunk_alloc(void)
{
	for (int i = 0; i < NCHUNK; i++) {
		char *p = pool[i];

		if (p) {
			pool[i] = NULL;
			return p;
		}
	}
	return hs_xmalloc(CHUNK);
}

static void chunk_free(char *p)
{
	for (int i = 0; i < NCHUNK; i++) {
		if (!pool[i]) {
			pool[i] = p;
			return;
		}
	}
	free(p);
}

void hs_arc_pool_release(void)
{
	for (int i = 0; i < NCHUNK; i++) {
		free(pool[i]);
		pool[i] = NULL;
	}
}

static void *zthread_main(void *arg)
{
	struct hs_arc_zthread *th = arg;
	struct hs_arc_reader *s = &th->src;
	unsigned next = 0;
	sigset_t all;

	/* signals are for the main thread, whose loop checks them */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		struct chunk *c;
		long k = 1;
		int stop;

		pthread_mutex_lock(&th->mu);
		while (!th->stop && th->count == NCHUNK)
			pthread_cond_wait(&th->cv, &th->mu);
		stop = th->stop;
		pthread_mutex_unlock(&th->mu);
		if (stop)
			break;
		c = &th->chunks[next];
		c->len = c->off = c->nmarks = 0;
		c->ev = EV_NONE;
		c->uoff = s->uoff;
		s->buf = c->data;
		s->cap = CHUNK;
		s->end = 0;
		while (s->end < s->cap && (k = fill(s)) > 0)
			;
		c->len = s->end;
		c->zend = s->zoff + s->zpos;
		s->uoff += s->end;
		for (size_t i = 0; i < s->nmarks; i++) {
			c->marks = hs_xgrow(c->marks, sizeof(*c->marks),
			                    c->nmarks + 1, &c->capmarks);
			c->marks[c->nmarks].z = s->marks[i].z;
			c->marks[c->nmarks++].u = s->marks[i].u;
		}
		s->marks[0] = s->marks[s->nmarks - 1];
		s->nmarks = 1;
		if (k <= 0) {
			c->ev = k == 0 ? EV_EOF : k == -1 ? EV_ERR : EV_DAMAGE;
			c->corrupt = s->resync;
			memcpy(c->msg, s->errbuf, sizeof(c->msg));
			c->msg[sizeof(c->msg) - 1] = '\0';
		}
		pthread_mutex_lock(&th->mu);
		th->count++;
		pthread_cond_broadcast(&th->cv);
		pthread_mutex_unlock(&th->mu);
		next = (next + 1) % NCHUNK;
		if (c->ev == EV_EOF || c->ev == EV_ERR ||
		    (c->ev == EV_DAMAGE && !c->corrupt))
			break;
	}
	s->buf = NULL;
	return NULL;
}

static int thread_start(struct hs_arc_reader *r)
{
	struct hs_arc_zthread *th = hs_xcalloc(1, sizeof(*th));
	struct hs_arc_reader *s = &th->src;

	/* the thread takes over the file and the decoder */
	s->path = r->path;
	s->fd = r->fd;
	s->zst = 1;
	s->dctx = r->dctx;
	s->zin = r->zin;
	s->zcap = r->zcap;
	s->zoff = r->zoff;
	s->uoff = r->uoff;
	mark_push(s, r->marks[0].z, r->marks[0].u);
	r->fd = -1;
	r->dctx = NULL;
	r->zin = NULL;
	for (int i = 0; i < NCHUNK; i++)
		th->chunks[i].data = chunk_alloc();
	pthread_mutex_init(&th->mu, NULL);
	pthread_cond_init(&th->cv, NULL);
	r->th = th;
	if (pthread_create(&th->tid, NULL, zthread_main, th) != 0) {
		r->th = NULL;
		/* take everything back and read without a thread */
		r->fd = s->fd;
		r->dctx = s->dctx;
		r->zin = s->zin;
		free(s->marks);
		for (int i = 0; i < NCHUNK; i++)
			chunk_free(th->chunks[i].data);
		pthread_mutex_destroy(&th->mu);
		pthread_cond_destroy(&th->cv);
		free(th);
	}
	return 0;
}

static void thread_stop(struct hs_arc_reader *r)
{
	struct hs_arc_zthread *th = r->th;

	if (!th)
		return;
	pthread_mutex_lock(&th->mu);
	th->stop = 1;
	pthread_cond_broadcast(&th->cv);
	pthread_mutex_unlock(&th->mu);
	pthread_join(th->tid, NULL);
	close(th->src.fd);
	ZSTD_freeDCtx(th->src.dctx);
	free(th->src.zin);
	free(th->src.marks);
	for (int i = 0; i < NCHUNK; i++) {
		chunk_free(th->chunks[i].data);
		free(th->chunks[i].marks);
	}
	pthread_mutex_destroy(&th->mu);
	pthread_cond_destroy(&th->cv);
	free(th);
	r->th = NULL;
	if (r->zmode) {
		r->buf = r->own;
		r->start = r->scan = r->end = 0;
		r->zmode = 0;
	}
}

/* Make room after end: slide the unread part down, grow when needed. */
static void make_room(struct hs_arc_reader *r)
{
	if ((r->start > 0 || r->end == r->cap) && r->moving)
		r->moving(r->moving_ctx);
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->uoff += r->start;
		r->scan -= r->start;
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap) {
		size_t ncap = r->cap * 2;

		if (ncap > r->max + BUF_MIN)
			ncap = r->max + BUF_MIN;
		if (ncap > r->cap) {
			r->buf = r->own = hs_xrealloc(r->own, ncap);
			r->cap = ncap;
		}
	}
}

/* The next queued chunk, waiting for it; NULL on a stop signal. */
static struct chunk *take_chunk(struct hs_arc_reader *r)
{
	struct hs_arc_zthread *th = r->th;
	struct chunk *c;

	pthread_mutex_lock(&th->mu);
	while (th->count == 0 && !hs_sig_stop) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&th->cv, &th->mu, &ts);
	}
	c = th->count ? &th->chunks[th->head] : NULL;
	pthread_mutex_unlock(&th->mu);
	if (!c)
		return NULL;
	for (size_t i = 0; i < c->nmarks; i++)
		if (r->marks[r->nmarks - 1].u != c->marks[i].u ||
		    r->marks[r->nmarks - 1].z != c->marks[i].z)
			mark_push(r, c->marks[i].z, c->marks[i].u);
	r->zoff = c->zend;
	r->zpos = 0;
	return c;
}

static void give_back(struct hs_arc_zthread *th)
{
	th->cur = NULL;
	pthread_mutex_lock(&th->mu);
	th->head = (th->head + 1) % NCHUNK;
	th->count--;
	pthread_cond_broadcast(&th->cv);
	pthread_mutex_unlock(&th->mu);
}

/* Move the unscanned tail of a chunk into the reader's own buffer. */
static void to_own(struct hs_arc_reader *r)
{
	size_t n = r->end - r->start;

	if (n + BUF_MIN > r->cap) {
		free(r->own);
		r->cap = n + BUF_MIN;
		r->own = hs_xmalloc(r->cap);
	}
	memcpy(r->own, r->buf + r->start, n);
	r->uoff += r->start;
	r->scan -= r->start;
	r->end = n;
	r->start = 0;
	r->buf = r->own;
	r->zmode = 0;
}

/*
 * fill() for a threaded reader, called when [scan, end) holds no newline.
 * Returns bytes added (> 0), 0 at the end, -1 on a read error, -2 on
 * damage, -3 on a stop signal.
 */
static long fill_threaded(struct hs_arc_reader *r)
{
	struct hs_arc_zthread *th = r->th;

	r->resync = 0;
	for (;;) {
		struct chunk *c = th->cur;
		size_t n;
		char *nl;

		if (th->eof)
			return 0;
		if (!c) {
			if (!(c = th->cur = take_chunk(r)))
				return -3;
			continue;
		}
		if (c->off == c->len) {
			/* used up: report what ended it, after its data */
			int ev = c->ev;

			c->ev = EV_NONE;
			if (ev != EV_NONE)
				memcpy(r->errbuf, c->msg, sizeof(r->errbuf));
			if (ev == EV_ERR)
				return -1;
			if (ev == EV_EOF) {
				th->eof = 1;
				return 0;
			}
			if (ev == EV_DAMAGE) {
				r->damaged++;
				r->resync = c->corrupt;
				return -2;
			}
			if (r->zmode) {
				if (r->moving)
					r->moving(r->moving_ctx);
				to_own(r);
			}
			give_back(th);
			continue;
		}
		if (r->start == r->end) {
			/* nothing pending: scan the chunk where it lies */
			r->buf = c->data;
			r->uoff = c->uoff;
			r->start = r->scan = c->off;
			r->end = c->len;
			r->zmode = 1;
			n = c->len - c->off;
			c->off = c->len;
			return (long)n;
		}
		/* a line straddling two chunks: copy up to its newline */
		make_room(r);
		n = c->len - c->off;
		if (n > r->cap - r->end)
			n = r->cap - r->end;
		nl = memchr(c->data + c->off, '\n', n);
		if (nl)
			n = (size_t)(nl - (c->data + c->off)) + 1;
		memcpy(r->buf + r->end, c->data + c->off, n);
		r->end += n;
		c->off += n;
		return (long)n;
	}
}
/* Read more input after end: fill() or fill_threaded()'s result. */
static long more(struct hs_arc_reader *r)
{
	if (r->th)
		return fill_threaded(r);
	make_room(r);
	return fill(r);
}

static int blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

/* Hand out the oversize line at r->start: its first max bytes. */
static int toobig(struct hs_arc_reader *r, const char **line, size_t *len)
{
	r->lineno++;
	r->toobig = 1;
	*line = r->buf + r->start;
	*len = r->max;
	return HS_ARC_TOOBIG;
}

int hs_arc_next(struct hs_arc_reader *r, const char **line, size_t *len)
{
	r->nl = 0;
	if (r->toobig && hs_arc_rest(r, NULL, NULL) == -1)
		return HS_ARC_ERR;
	if (r->damage_pending) {
		r->damage_pending = 0;
		*line = r->buf + r->start;
		*len = 0;
		return HS_ARC_DAMAGE;
	}
	for (;;) {
		char *nl;
		long k;

		if (stop_now(r))
			return HS_ARC_END;
		if (r->skip) {
			size_t n = r->end - r->start;

			if (n > r->skip)
				n = (size_t)r->skip;
			r->start += n;
			r->scan = r->start;
			r->skip -= n;
		}
		nl = r->scan < r->end
		         ? memchr(r->buf + r->scan, '\n', r->end - r->scan)
		         : NULL;
		if (nl) {
			size_t s = r->start, e = (size_t)(nl - r->buf);

			if (e - s > r->max)
				return toobig(r, line, len);
			r->start = r->scan = e + 1;
			r->line_end = r->uoff + r->start;
			marks_pass(r, r->line_end);
			r->lineno++;
			if (blank(r->buf + s, e - s)) {
				r->blank++;
				continue;
			}
			*line = r->buf + s;
			*len = e - s;
			r->nl = 1;
			return HS_ARC_LINE;
		}
		r->scan = r->end;
		if (r->end - r->start > r->max)
			return toobig(r, line, len);
		if (r->eof) {
			size_t s = r->start, n = r->end - r->start;

			if (n == 0)
				return HS_ARC_END;
			/* a last line without a newline */
			r->start = r->scan = r->end;
			r->line_end = r->uoff + r->end;
			r->lineno++;
			if (blank(r->buf + s, n)) {
				r->blank++;
				return HS_ARC_END;
			}
			*line = r->buf + s;
			*len = n;
			return HS_ARC_LINE;
		}
		k = more(r);
		if (k == -3)
			return HS_ARC_END; /* a stop signal: no partial line */
		if (k == -1)
			return HS_ARC_ERR;
		if (k == -2) {
			/* the partial line cut by the damage */
			size_t s = r->start, n = r->end - r->start;

			r->start = r->scan = r->end;
			r->line_end = r->uoff + r->end;
			*line = r->buf + s;
			*len = n;
			if (n)
				r->lineno++;
			if (!r->resync)
				r->eof = 1;
			return HS_ARC_DAMAGE;
		}
		if (k == 0)
			r->eof = 1;
	}
}

long long hs_arc_rest(struct hs_arc_reader *r,
                      void (*fn)(void *ctx, const char *p, size_t n), void *ctx)
{
	long long total = 0;

	if (!r->toobig)
		return 0;
	r->toobig = 0;
	/* The line starts at r->start: stream it up to its newline, reading
	 * on, never holding more than one buffer of it. */
	for (;;) {
		char *nl = r->start < r->end ? memchr(r->buf + r->start, '\n',
		                                      r->end - r->start)
		                             : NULL;
		size_t n =
		    nl ? (size_t)(nl - (r->buf + r->start)) : r->end - r->start;
		long k;

		if (fn && n)
			fn(ctx, r->buf + r->start, n);
		total += (long long)n;
		r->start = r->scan = nl ? (size_t)(nl - r->buf) + 1 : r->end;
		if (nl || r->eof) {
			r->line_end = r->uoff + r->start;
			marks_pass(r, r->line_end);
			return total;
		}
		k = more(r);
		if (k == 0)
			r->eof = 1;
		if (k == -1 || k == -3)
			return k;
		if (k == -2) {
			/* what the damage left of the line is all of it */
			size_t m = r->end - r->start;

			if (fn && m)
				fn(ctx, r->buf + r->start, m);
			total += (long long)m;
			r->start = r->scan = r->end;
			r->line_end = r->uoff + r->end;
			r->damage_pending = 1;
			if (!r->resync)
				r->eof = 1;
			return total;
		}
	}
}
