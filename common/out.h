/*
 * out.h: block-buffered output on a file descriptor, written with
 * write(2).  Lines are gathered in a buffer as large as a pipe (1 MiB) and
 * written when it fills, when the caller flushes (input idle, exit), or
 * after every line in unbuffered mode.  Lines larger than the buffer are
 * written straight through, so memory stays bounded by the buffer.
 */
#ifndef HS_OUT_H
#define HS_OUT_H

#include <stddef.h>
#include <stdint.h>

#define HS_OUT_BUFSIZE (1u << 20)

struct hs_out {
	int fd;
	char *buf; /* owned */
	size_t len, cap;
	int unbuffered;        /* flush after every line */
	int err;               /* errno of the first failed write, 0 if none */
	uint64_t lines, bytes; /* written so far (counted when queued) */
};

/* Prepare o for fd with a cap-byte buffer (0: HS_OUT_BUFSIZE). */
void hs_out_init(struct hs_out *o, int fd, size_t cap);
/* Free the buffer; does not flush or close fd. */
void hs_out_release(struct hs_out *o);

/*
 * Queue p[0..n) followed by '\n'.  Returns 0, or -1 once a write has
 * failed (o->err holds errno; EPIPE means the reader went away, which
 * tools treat as a quiet end).  After a failure every call returns -1.
 */
int hs_out_line(struct hs_out *o, const char *p, size_t n);
/* Queue raw bytes (no newline added). */
int hs_out_write(struct hs_out *o, const char *p, size_t n);
/* Write everything queued. Returns 0 or -1 as above. */
int hs_out_flush(struct hs_out *o);

/*
 * Without waiting: 1 when the reader of o->fd has gone although nothing
 * was written to notice it (a pipe without a reader polls POLLERR, a
 * closed socket or terminal POLLHUP); o then fails as a write meeting
 * EPIPE would.  0 otherwise, also once o has failed.
 */
int hs_out_gone(struct hs_out *o);

/*
 * write(2) all of p[0..n) to fd, retrying short writes and EINTR.
 * Returns 0, or -1 with errno set.  For files and pipes outside struct
 * hs_out (dead-letter files, stores, targets).
 */
int hs_write_all(int fd, const void *p, size_t n);

/*
 * Enlarge the pipe behind fd to up to 1 MiB (or /proc/sys/fs/pipe-max-size
 * if smaller) when fd is a pipe: a chain of hs tools moves data about
 * three times faster through 1 MiB pipes than through the default 64 KiB.
 * Does nothing for other kinds of file; never fails.
 */
void hs_pipe_grow(int fd);

#endif
