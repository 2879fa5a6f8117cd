/* base64.h: RFC 4648 base64 with padding, for binary keys, headers and
 * values in JSON, and for dead-lettering bytes that are not UTF-8. */
#ifndef HS_BASE64_H
#define HS_BASE64_H

#include <stddef.h>

struct hs_buf;

/* Append the encoding of p[0..n) to out. */
void hs_base64_add(struct hs_buf *out, const void *p, size_t n);

/*
 * Streaming encoder for data that arrives in chunks: feed any number of
 * chunks, then finish.  Holds at most two pending bytes.
 */
struct hs_base64_stream {
	unsigned char pend[2];
	int npend;
};
void hs_base64_feed(struct hs_base64_stream *st, struct hs_buf *out,
                    const void *p, size_t n);
void hs_base64_finish(struct hs_base64_stream *st, struct hs_buf *out);

/* Decode s[0..n) (padding optional, no whitespace) and append to out.
 * Returns 0, or -1 if s is not base64. */
int hs_base64_decode(struct hs_buf *out, const char *s, size_t n);

#endif
