/*
 * base64.c: RFC 4648 base64 with padding (base64.h), encoding into an
 * hs_buf, also fed piecewise for data streamed past memory, and decoding.
 */
#include <stdint.h>
#include <string.h>

#include "base64.h"
#include "buf.h"
#include "banned.h"

static const char enc[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void quad(char *o, const unsigned char *p)
{
	o[0] = enc[p[0] >> 2];
	o[1] = enc[((p[0] & 3) << 4) | (p[1] >> 4)];
	o[2] = enc[((p[1] & 15) << 2) | (p[2] >> 6)];
	o[3] = enc[p[2] & 63];
}

void hs_base64_feed(struct hs_base64_stream *st, struct hs_buf *out,
                    const void *data, size_t n)
{
	const unsigned char *p = data;
	unsigned char t[3];
	char *o;

	if (st->npend) {
		int k = st->npend;

		memcpy(t, st->pend, (size_t)k);
		while (k < 3 && n) {
			t[k++] = *p++;
			n--;
		}
		if (k < 3) {
			memcpy(st->pend, t, (size_t)k);
			st->npend = k;
			return;
		}
		hs_buf_grow(out, 4);
		quad(out->data + out->len, t);
		hs_buf_setlen(out, out->len + 4);
		st->npend = 0;
	}
	hs_buf_grow(out, n / 3 * 4);
	o = out->data + out->len;
	while (n >= 3) {
		quad(o, p);
		o += 4;
		p += 3;
		n -= 3;
	}
	hs_buf_setlen(out, (size_t)(o - out->data));
	for (size_t i = 0; i < n; i++)
		st->pend[st->npend++] = p[i];
}

void hs_base64_finish(struct hs_base64_stream *st, struct hs_buf *out)
{
	unsigned char t[3] = {0, 0, 0};
	char q[4];

	if (!st->npend)
		return;
	memcpy(t, st->pend, (size_t)st->npend);
	quad(q, t);
	if (st->npend == 1)
		q[2] = '=';
	q[3] = '=';
	hs_buf_add(out, q, 4);
	st->npend = 0;
}

void hs_base64_add(struct hs_buf *out, const void *p, size_t n)
{
	struct hs_base64_stream st = {{0, 0}, 0};

	hs_base64_feed(&st, out, p, n);
	hs_base64_finish(&st, out);
}

static int val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

int hs_base64_decode(struct hs_buf *out, const char *s, size_t n)
{
	uint32_t acc = 0;
	int bits = 0;

	while (n && s[n - 1] == '=')
		n--;
	if (n % 4 == 1)
		return -1;
	hs_buf_grow(out, n / 4 * 3 + 3);
	for (size_t i = 0; i < n; i++) {
		int v = val((unsigned char)s[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			hs_buf_addc(out, (char)((acc >> bits) & 0xff));
		}
	}
	return 0;
}
