/*
 * buf.h: a growable byte buffer, always NUL-terminated after len, so
 * data can be handed to functions wanting C strings when it holds text.
 * Growth dies on out-of-memory through hs_xrealloc().
 */
#ifndef HS_BUF_H
#define HS_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct hs_buf {
	char *data; /* owned; never NULL after hs_buf_init() */
	size_t len;
	size_t cap;
};

#define HS_BUF_INIT                \
	{                          \
		hs_buf_empty, 0, 0 \
	}
extern char hs_buf_empty[1];

void hs_buf_init(struct hs_buf *b);
/* Free the storage; b is empty again and may be reused. */
void hs_buf_release(struct hs_buf *b);
/* Drop the contents, keep the storage. */
static inline void hs_buf_reset(struct hs_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->data[0] = '\0';
}
/* Make room for at least extra more bytes (plus the NUL). */
void hs_buf_grow(struct hs_buf *b, size_t extra);
void hs_buf_add(struct hs_buf *b, const void *p, size_t n);
void hs_buf_addc(struct hs_buf *b, char c);
void hs_buf_adds(struct hs_buf *b, const char *s);
void hs_buf_addf(struct hs_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void hs_buf_vaddf(struct hs_buf *b, const char *fmt, va_list ap);
/* Set len (<= cap) after writing into data directly; keeps the NUL. */
void hs_buf_setlen(struct hs_buf *b, size_t len);
/* Hand the storage to the caller (free() it); b is left empty. */
char *hs_buf_detach(struct hs_buf *b, size_t *len);
/*
 * Append the whole contents of the file at path to b.  Returns 0, or -1
 * with errbuf set ("cannot open 'PATH': ...", "cannot read 'PATH': ...";
 * a directory is refused); b then holds what was read before the error.
 */
int hs_buf_read_file(struct hs_buf *b, const char *path, char *errbuf,
                     size_t errlen);

#endif
