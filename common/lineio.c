/*
 * lineio.c: NDJSON input in blocks, one bounded line at a time, with the
 * idle callback and the drain after a stop signal (lineio.h).  What a line
 * means is the caller's; output is out.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "err.h"
#include "lineio.h"
#include "out.h"
#include "stats.h"
#include "banned.h"

void hs_lineio_init(struct hs_lineio *r, char **files, int nfiles, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->files = files;
	r->nfiles = nfiles;
	r->fd = -1;
	r->watch_fd = -1;
	r->max = max;
	r->name = "<stdin>";
}

void hs_lineio_release(struct hs_lineio *r)
{
	if (r->fd > 0)
		close(r->fd);
	r->fd = -1;
	free(r->buf);
	r->buf = NULL;
}

int hs_stop_now(int stop, int drainable, double drain_secs, double *deadline)
{
	if (!stop)
		return 0;
	if (!drainable || drain_secs <= 0)
		return 1;
	if (*deadline == 0)
		*deadline = hs_now() + drain_secs;
	return hs_now() >= *deadline;
}

/* 1 when a stop signal came and reading must end now. */
static int stopped(struct hs_lineio *r)
{
	if (r->watch_gone)
		return 1;
	return hs_stop_now(r->stop && *r->stop, r->drainable, r->drain_secs,
	                   &r->drain_deadline);
}

/* 1 when a stop signal came but a pipe is still being drained. */
static int draining(const struct hs_lineio *r)
{
	return r->stop && *r->stop && r->drainable && r->drain_deadline > 0;
}

/* Pipes and sockets are drained after a stop; anything else is not. */
static void set_drainable(struct hs_lineio *r)
{
	struct stat st;

	r->drainable = fstat(r->fd, &st) == 0 &&
	               (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

/* Open the next input.  Returns 1 opened, 0 none left, -1 failed. */
static int open_next(struct hs_lineio *r, char *errbuf, size_t errlen)
{
	const char *path;

	if (r->fd > 0)
		close(r->fd);
	r->fd = -1;
	if (r->nfiles == 0) {
		if (r->fileidx++ > 0)
			return 0;
		r->fd = 0;
		r->name = "<stdin>";
		hs_pipe_grow(0);
		set_drainable(r);
		return 1;
	}
	if (r->fileidx >= r->nfiles)
		return 0;
	path = r->files[r->fileidx++];
	r->lineno = 0;
	if (strcmp(path, "-") == 0) {
		r->fd = 0;
		r->name = "<stdin>";
		hs_pipe_grow(0);
		set_drainable(r);
		return 1;
	}
	r->name = path;
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd >= 0)
		set_drainable(r);
	if (r->fd < 0) {
		r->open_failed = 1;
		return hs_seterr(errbuf, errlen, "cannot open '%s': %s", path,
		                 strerror(errno));
	}
	return 1;
}

/* Make room to read another block, keeping buf[start..end). */
static void make_room(struct hs_lineio *r)
{
	size_t keep = r->end - r->start;
	size_t want = keep + HS_LINEIO_BLOCK;

	if (r->start > 0 && r->cap - r->end < HS_LINEIO_BLOCK) {
		memmove(r->buf, r->buf + r->start, keep);
		r->scan -= r->start;
		r->end = keep;
		r->start = 0;
	}
	if (r->cap - r->end < HS_LINEIO_BLOCK / 4 || !r->buf) {
		size_t cap = r->cap ? r->cap : HS_LINEIO_BLOCK;

		while (cap < want)
			cap *= 2;
		r->buf = hs_xrealloc(r->buf, cap);
		r->cap = cap;
	}
}

/*
 * Input is idle: wait until it is readable, a signal comes (-1) or the
 * watched descriptor reports POLLERR or POLLHUP (-1, watch_gone set).
 * Returns 0 at once without a watch or while draining, whose wait is
 * bounded by fill().
 */
static int wait_watched(struct hs_lineio *r)
{
	struct pollfd p[2] = {{.fd = r->fd, .events = POLLIN},
	                      {.fd = r->watch_fd, .events = 0}};

	if (r->watch_fd < 0 || draining(r))
		return 0;
	if (poll(p, 2, -1) < 0)
		return -1;
	if (p[1].revents & (POLLERR | POLLHUP)) {
		r->watch_gone = 1;
		return -1;
	}
	return 0;
}

/*
 * Read one block into the buffer.  Returns >0 bytes read, 0 at end of
 * this input, -1 on error or stop.
 */
static ssize_t fill(struct hs_lineio *r, char *errbuf, size_t errlen)
{
	for (;;) {
		struct pollfd p = {.fd = r->fd, .events = POLLIN};
		ssize_t n;

		if (stopped(r))
			return -1;
		if (r->idle && poll(&p, 1, 0) == 0) {
			int was = r->stop && *r->stop;

			r->idle(r->idle_ctx);
			/* A stop that came during idle() interrupted no wait. */
			if (!was && r->stop && *r->stop)
				continue;
			if (wait_watched(r) < 0)
				continue; /* a signal or watch_gone */
		}
		if (draining(r)) {
			/* Never block past the drain deadline. */
			double left = r->drain_deadline - hs_now();
			int ms = left > 0.1 ? 100 : (int)(left * 1000) + 1;

			if (poll(&p, 1, ms) == 0)
				continue;
		}
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n >= 0) {
			r->end += (size_t)n;
			r->bytes += (size_t)n;
			return n;
		}
		if (errno == EINTR)
			continue;
		return hs_seterr(errbuf, errlen, "read error on %s: %s",
		                 r->name, strerror(errno));
	}
}

static int is_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

int hs_lineio_next(struct hs_lineio *r, const char **line, size_t *len,
                   char *errbuf, size_t errlen)
{
	for (;;) {
		char *nl = NULL;

		if (stopped(r))
			return HS_LINEIO_END;
		if (r->fd < 0) {
			int o = open_next(r, errbuf, errlen);

			if (o <= 0)
				return o < 0 ? HS_LINEIO_ERR : HS_LINEIO_END;
			r->eof = 0;
			r->start = r->scan = r->end = 0;
		}
		if (r->scan < r->end)
			nl = memchr(r->buf + r->scan, '\n', r->end - r->scan);
		if (nl || (r->eof && r->start < r->end)) {
			size_t stop = nl ? (size_t)(nl - r->buf) : r->end;
			size_t n = stop - r->start;

			if (n > r->max) {
				/* Found whole but too long: report as such. */
				*line = r->buf + r->start;
				*len = r->max;
				r->lineno++;
				return HS_LINEIO_TOOBIG;
			}
			*line = r->buf + r->start;
			*len = n;
			r->start = r->scan = nl ? stop + 1 : stop;
			r->lineno++;
			if (is_blank(*line, n)) {
				r->blank++;
				continue;
			}
			return HS_LINEIO_LINE;
		}
		r->scan = r->end;
		if (r->eof) {
			r->start = r->scan = r->end = 0;
			if (r->fd > 0)
				close(r->fd);
			r->fd = -1;
			continue;
		}
		if (r->end - r->start > r->max) {
			*line = r->buf + r->start;
			*len = r->max;
			r->lineno++;
			return HS_LINEIO_TOOBIG;
		}
		make_room(r);
		ssize_t n = fill(r, errbuf, errlen);
		if (n < 0)
			return stopped(r) ? HS_LINEIO_END : HS_LINEIO_ERR;
		if (n == 0)
			r->eof = 1;
	}
}

long long hs_lineio_rest(struct hs_lineio *r,
                         void (*fn)(void *ctx, const char *p, size_t n),
                         void *ctx)
{
	long long total = 0;

	/* The oversize line starts at r->start; stream until its newline. */
	for (;;) {
		char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		size_t n =
		    nl ? (size_t)(nl - (r->buf + r->start)) : r->end - r->start;

		if (fn && n)
			fn(ctx, r->buf + r->start, n);
		total += (long long)n;
		if (nl) {
			r->start = r->scan = (size_t)(nl - r->buf) + 1;
			return total;
		}
		r->start = r->scan = r->end = 0;
		if (r->eof)
			return total;
		make_room(r);
		ssize_t got = fill(r, NULL, 0);
		if (got < 0)
			return -1;
		if (got == 0) {
			r->eof = 1;
			return total;
		}
	}
}
