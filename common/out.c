/*
 * out.c: block-buffered output on a file descriptor (out.h), written with
 * write(2), with the unbuffered mode, hs_out_gone() for a reader that left
 * while nothing was written, and hs_pipe_grow() for 1 MiB pipes.  Deciding
 * when to flush (idle input, exit) is the caller's.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "alloc.h"
#include "out.h"
#include "banned.h"

#ifndef F_SETPIPE_SZ
#define F_SETPIPE_SZ 1031
#endif

void hs_out_init(struct hs_out *o, int fd, size_t cap)
{
	memset(o, 0, sizeof(*o));
	o->fd = fd;
	o->cap = cap ? cap : HS_OUT_BUFSIZE;
	o->buf = hs_xmalloc(o->cap);
}

void hs_out_release(struct hs_out *o)
{
	free(o->buf);
	o->buf = NULL;
	o->len = o->cap = 0;
}

/* Write all of iov, retrying short writes and EINTR. */
static int writev_all(struct hs_out *o, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(o->fd, iov, n);

		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			o->err = errno;
			return -1;
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

int hs_out_flush(struct hs_out *o)
{
	struct iovec iov;

	if (o->err)
		return -1;
	if (!o->len)
		return 0;
	iov.iov_base = o->buf;
	iov.iov_len = o->len;
	o->len = 0;
	return writev_all(o, &iov, 1);
}

int hs_out_gone(struct hs_out *o)
{
	struct pollfd p = {.fd = o->fd, .events = 0};

	if (o->err || poll(&p, 1, 0) != 1 || !(p.revents & (POLLERR | POLLHUP)))
		return 0;
	o->err = EPIPE;
	return 1;
}

int hs_out_write(struct hs_out *o, const char *p, size_t n)
{
	if (o->err)
		return -1;
	o->bytes += n;
	if (n > o->cap - o->len) {
		struct iovec iov[2];

		/* Too big to gather: send what is queued and p in one call. */
		iov[0].iov_base = o->buf;
		iov[0].iov_len = o->len;
		iov[1].iov_base = (void *)p;
		iov[1].iov_len = n;
		if (n < o->cap / 2) {
			if (hs_out_flush(o) < 0)
				return -1;
			memcpy(o->buf, p, n);
			o->len = n;
			return 0;
		}
		o->len = 0;
		return writev_all(o, iov, 2);
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	return 0;
}

int hs_out_line(struct hs_out *o, const char *p, size_t n)
{
	if (o->err)
		return -1;
	o->lines++;
	if (n + 1 > o->cap - o->len) {
		struct iovec iov[3];

		if (n + 1 <= o->cap / 2) {
			if (hs_out_flush(o) < 0)
				return -1;
		} else {
			iov[0].iov_base = o->buf;
			iov[0].iov_len = o->len;
			iov[1].iov_base = (void *)p;
			iov[1].iov_len = n;
			iov[2].iov_base = "\n";
			iov[2].iov_len = 1;
			o->len = 0;
			o->bytes += n + 1;
			return writev_all(o, iov, 3);
		}
	}
	memcpy(o->buf + o->len, p, n);
	o->buf[o->len + n] = '\n';
	o->len += n + 1;
	o->bytes += n + 1;
	if (o->unbuffered)
		return hs_out_flush(o);
	return 0;
}

int hs_write_all(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void hs_pipe_grow(int fd)
{
	struct stat st;
	long want = 1L << 20;
	FILE *f;

	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))
		return;
	f = fopen("/proc/sys/fs/pipe-max-size", "r");
	if (f) {
		long max;

		if (fscanf(f, "%ld", &max) == 1 && max > 0 && max < want)
			want = max;
		fclose(f);
	}
	/* Failure (EPERM past a user's pipe quota) leaves the pipe as it is. */
	(void)fcntl(fd, F_SETPIPE_SZ, (int)want);
}
