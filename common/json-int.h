/*
 * json-int.h: internals shared by json.c (parser), json-str.c (strings
 * and equality) and json-query.c (lookups).  Not a public header: only
 * those files include it; callers use json.h.
 */
#ifndef HS_JSON_INT_H
#define HS_JSON_INT_H

#include <stddef.h>

#include "buf.h"

/* Sixteen copies of v, for 256-entry byte tables. */
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v

static inline int isdig(unsigned char c)
{
	return (unsigned)(c - '0') < 10;
}

static inline int hexval(unsigned char c)
{
	if (isdig(c))
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The 4 hex digits at q as a code unit, or -1. */
static inline long hex4(const unsigned char *q, const unsigned char *end)
{
	long v = 0;

	if (end - q < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int h = hexval(q[i]);

		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

/* Decode the (validated) string body p..e into out, replacing it. */
void hs_json_decode_key(const char *p, const char *e, struct hs_buf *out);

#endif
