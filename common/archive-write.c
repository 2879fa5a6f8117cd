/*
 * archive-write.c: the archive writer (archive.h): lines gathered, then
 * written per flush as one whole zstd frame or as plain NDJSON.  It
 * follows archive.h's crash rule by writing a frame only whole, in one
 * append, so a crash can tear only the last one, and by cutting back
 * what a failed write left.  Which file to write and when to rotate is
 * the caller's (hs-fanout's file target); cutting a torn tail before
 * appending is archive-tail.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "archive.h"
#include "err.h"
#include "out.h"
#include "banned.h"

void hs_arc_writer_init(struct hs_arc_writer *w, int zst)
{
	w->fd = -1;
	w->path = NULL;
	w->zst = zst;
	hs_buf_init(&w->lines);
	hs_buf_init(&w->frame);
}

int hs_arc_writer_open(struct hs_arc_writer *w, const char *path, char *errbuf,
                       size_t errlen)
{
	size_t n = strlen(path);

	hs_arc_writer_init(w, n > 4 && !strcmp(path + n - 4, ".zst"));
	w->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (w->fd < 0)
		return hs_seterr(errbuf, errlen, "cannot open '%s': %s", path,
		                 strerror(errno));
	w->path = hs_xstrdup(path);
	return 0;
}

void hs_arc_writer_add(struct hs_arc_writer *w, const char *line, size_t len)
{
	hs_buf_add(&w->lines, line, len);
	hs_buf_addc(&w->lines, '\n');
}

size_t hs_arc_writer_pending(const struct hs_arc_writer *w)
{
	return w->lines.len;
}

void hs_arc_writer_discard(struct hs_arc_writer *w)
{
	hs_buf_reset(&w->lines);
}

/*
 * Where a write to fd begins when fd is a regular file (its size when
 * opened for appending, else its offset), so that a failed write can be
 * cut back to it; -1 for anything else (a pipe, a terminal).
 */
static off_t write_start(int fd, int *append)
{
	struct stat st;
	int fl = fcntl(fd, F_GETFL);

	*append = fl >= 0 && (fl & O_APPEND);
	if (fl < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return -1;
	return *append ? st.st_size : lseek(fd, 0, SEEK_CUR);
}

/* Cut what a failed write left after start; -1 with errno set. */
static int cut_back(int fd, off_t start, int append)
{
	if (ftruncate(fd, start) < 0)
		return -1;
	if (!append && lseek(fd, start, SEEK_SET) < 0)
		return -1;
	return 0;
}

long long hs_arc_writer_flush_to(struct hs_arc_writer *w, int fd,
                                 const char *name, char *errbuf, size_t errlen)
{
	const char *p = w->lines.data;
	size_t n = w->lines.len;
	off_t start;
	int append;

	if (!n)
		return 0;
	if (w->zst) {
		/* one frame per flush, compressed whole: its lines end in it */
		size_t bound = ZSTD_compressBound(n), z;

		hs_buf_reset(&w->frame);
		hs_buf_grow(&w->frame, bound);
		z = ZSTD_compress(w->frame.data, bound, p, n,
		                  HS_ARC_ZSTD_LEVEL);
		if (ZSTD_isError(z)) {
			hs_seterr(errbuf, errlen, "zstd: %s",
			          ZSTD_getErrorName(z));
			errno = 0;
			return -1;
		}
		p = w->frame.data;
		n = z;
	}
	start = write_start(fd, &append);
	if (hs_write_all(fd, p, n) < 0) {
		int e = errno;

		hs_seterr(errbuf, errlen, "write '%s': %s", name, strerror(e));
		if (start >= 0 && cut_back(fd, start, append) < 0 && errbuf) {
			size_t k = strlen(errbuf);

			if (k < errlen)
				snprintf(errbuf + k, errlen - k,
				         " (and cannot cut the torn bytes: %s)",
				         strerror(errno));
		}
		errno = e;
		return -1;
	}
	hs_buf_reset(&w->lines);
	return (long long)n;
}

long long hs_arc_writer_flush(struct hs_arc_writer *w, char *errbuf,
                              size_t errlen)
{
	return hs_arc_writer_flush_to(w, w->fd, w->path ? w->path : "<file>",
	                              errbuf, errlen);
}

int hs_arc_writer_close(struct hs_arc_writer *w, char *errbuf, size_t errlen)
{
	int rc = 0;

	if (w->fd >= 0 && hs_arc_writer_flush(w, errbuf, errlen) < 0)
		rc = -1;
	if (w->fd >= 0 && close(w->fd) < 0 && rc == 0)
		rc = hs_seterr(errbuf, errlen, "cannot close '%s': %s", w->path,
		               strerror(errno));
	w->fd = -1;
	hs_arc_writer_release(w);
	return rc;
}

void hs_arc_writer_release(struct hs_arc_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	free(w->path);
	w->path = NULL;
	hs_buf_release(&w->lines);
	hs_buf_release(&w->frame);
}
