/*
 * buf.c: the growable, always NUL-terminated byte buffer (buf.h) and its
 * formatted appends; growth dies on out-of-memory through alloc.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "banned.h"

/* Shared empty string, so an unused buffer needs no allocation. */
char hs_buf_empty[1];

void hs_buf_init(struct hs_buf *b)
{
	b->data = hs_buf_empty;
	b->len = 0;
	b->cap = 0;
}

void hs_buf_release(struct hs_buf *b)
{
	if (b->cap)
		free(b->data);
	hs_buf_init(b);
}

void hs_buf_grow(struct hs_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	size_t cap;

	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap < (1u << 30) ? cap * 2 : cap + (cap >> 1);
	if (b->cap) {
		b->data = hs_xrealloc(b->data, cap);
	} else {
		b->data = hs_xmalloc(cap);
		b->data[0] = '\0';
	}
	b->cap = cap;
}

void hs_buf_add(struct hs_buf *b, const void *p, size_t n)
{
	hs_buf_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void hs_buf_addc(struct hs_buf *b, char c)
{
	hs_buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void hs_buf_adds(struct hs_buf *b, const char *s)
{
	hs_buf_add(b, s, strlen(s));
}

void hs_buf_vaddf(struct hs_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	hs_buf_grow(b, 64);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		hs_buf_grow(b, (size_t)n);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void hs_buf_addf(struct hs_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hs_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void hs_buf_setlen(struct hs_buf *b, size_t len)
{
	if (!b->cap)
		return;
	b->len = len;
	b->data[len] = '\0';
}

char *hs_buf_detach(struct hs_buf *b, size_t *len)
{
	char *p;

	if (!b->cap)
		hs_buf_grow(b, 0);
	p = b->data;
	if (len)
		*len = b->len;
	hs_buf_init(b);
	return p;
}

int hs_buf_read_file(struct hs_buf *b, const char *path, char *errbuf,
                     size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return hs_seterr(errbuf, errlen, "cannot open '%s': %s", path,
		                 strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return hs_seterr(errbuf, errlen, "cannot read '%s': %s", path,
		                 strerror(EISDIR));
	}
	for (;;) {
		ssize_t r;

		hs_buf_grow(b, 65536);
		r = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			close(fd);
			return hs_seterr(errbuf, errlen, "cannot read '%s': %s",
			                 path, strerror(e));
		}
		if (r == 0)
			break;
		hs_buf_setlen(b, b->len + (size_t)r);
	}
	close(fd);
	return 0;
}
