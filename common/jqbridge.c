/*
 * jqbridge.c: events to libjq values and back (jqbridge.h), built from
 * json.c's parsed document, numbers libjq would round found and printed
 * exactly, and libjq's error text.  Running programs is jqrun.c's; jv ownership follows the
 * rule stated in jqbridge.h.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "jqbridge.h"
#include "json.h"
#include "num.h"
#include "banned.h"

/* Powers of ten a double holds exactly (Clinger's fast path). */
static const double pow10_exact[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

double hs_jq_num(const char *s, size_t n)
{
	const char *p = s, *e = s + n;
	uint64_t m = 0;
	int neg = 0, digits = 0, frac = 0, ex = 0, exneg = 0, scale;

	if (p < e && *p == '-') {
		neg = 1;
		p++;
	}
	for (; p < e && *p >= '0' && *p <= '9'; p++) {
		m = m * 10 + (uint64_t)(*p - '0');
		digits += m != 0;
	}
	if (p < e && *p == '.')
		for (p++; p < e && *p >= '0' && *p <= '9'; p++) {
			m = m * 10 + (uint64_t)(*p - '0');
			digits += m != 0;
			frac++;
		}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			exneg = *p++ == '-';
		for (; p < e && *p >= '0' && *p <= '9'; p++) {
			if (ex > 10000)
				return hs_num_strtod(s, n);
			ex = ex * 10 + (*p - '0');
		}
	}
	/*
	 * With at most 15 significant digits m is exact, and so is 10^k for
	 * k <= 22: one multiplication or division then rounds correctly,
	 * exactly as strtod() would.  Everything else goes to strtod().
	 */
	scale = (exneg ? -ex : ex) - frac;
	if (digits > 15 || scale < -22 || scale > 22)
		return hs_num_strtod(s, n);
	double x = (double)m;
	if (scale < 0)
		x /= pow10_exact[-scale];
	else
		x *= pow10_exact[scale];
	return neg ? -x : x;
}

static jv str_value(const struct hs_json_doc *d, uint32_t i,
                    struct hs_buf *scratch)
{
	const char *p;
	size_t n;

	if (hs_json_str_plain(d, i, &p, &n))
		return jv_string_sized(p, (int)n);
	hs_buf_reset(scratch);
	hs_json_str_decode(d, i, scratch);
	return jv_string_sized(scratch->data, (int)scratch->len);
}

/* A cached key: its bytes are those of the jv string it holds. */
struct hs_jq_key {
	uint32_t hash, len;
	jv key; /* JV_KIND_INVALID when the slot is free */
	const char *bytes;
};

#define KEY_SLOTS (2 * HS_JQ_KEYS_MAX)
#define KEY_LEN_MAX 64

void hs_jq_keys_release(struct hs_jq_keys *k)
{
	if (k->slot)
		for (size_t i = 0; i < KEY_SLOTS; i++)
			if (k->slot[i].bytes)
				jv_free(k->slot[i].key);
	free(k->slot);
	k->slot = NULL;
	k->n = 0;
}

/*
 * Key node i as a jv: from the cache when it is there, else built and,
 * when plain, short and the cache has room, remembered (FNV-1a hash,
 * linear probing; the table is never more than half full).
 */
static jv key_value(const struct hs_json_doc *d, uint32_t i,
                    struct hs_buf *scratch, struct hs_jq_keys *k)
{
	const char *p;
	size_t n;
	uint32_t h = 2166136261u;
	struct hs_jq_key *e;

	if (!k || !hs_json_str_plain(d, i, &p, &n) || n > KEY_LEN_MAX)
		return str_value(d, i, scratch);
	for (size_t j = 0; j < n; j++)
		h = (h ^ (unsigned char)p[j]) * 16777619u;
	if (!k->slot)
		k->slot = hs_xcalloc(KEY_SLOTS, sizeof(*k->slot));
	for (size_t at = h & (KEY_SLOTS - 1);;
	     at = (at + 1) & (KEY_SLOTS - 1)) {
		e = &k->slot[at];
		if (!e->bytes)
			break;
		if (e->hash == h && e->len == n && memcmp(e->bytes, p, n) == 0)
			return jv_copy(e->key);
	}
	if (k->n >= HS_JQ_KEYS_MAX)
		return jv_string_sized(p, (int)n);
	e->key = jv_string_sized(p, (int)n);
	e->bytes = jv_string_value(e->key);
	e->hash = h;
	e->len = (uint32_t)n;
	k->n++;
	return jv_copy(e->key);
}

static jv scalar(const struct hs_json_doc *d, uint32_t i,
                 struct hs_buf *scratch)
{
	const struct hs_json_node *nd = &d->nodes[i];

	switch (nd->type) {
	case HS_JSON_NULL:
		return jv_null();
	case HS_JSON_FALSE:
		return jv_false();
	case HS_JSON_TRUE:
		return jv_true();
	case HS_JSON_NUMBER:
		return jv_number(hs_jq_num(d->text + nd->off, nd->len));
	default:
		return str_value(d, i, scratch);
	}
}

/* One container under construction. */
struct frame {
	jv val;
	jv key; /* objects: the key waiting for its value */
	uint32_t end;
	int obj, haskey;
};

/* Hand a finished value to the innermost open container. */
static void attach(struct frame *top, jv v)
{
	if (!top->obj) {
		top->val = jv_array_append(top->val, v);
		return;
	}
	top->val = jv_object_set(top->val, top->key, v);
	top->haskey = 0;
}

jv hs_jq_from_doc(const struct hs_json_doc *d, uint32_t i,
                  struct hs_buf *scratch)
{
	return hs_jq_from_doc_keys(d, i, scratch, NULL);
}

jv hs_jq_from_doc_keys(const struct hs_json_doc *d, uint32_t i,
                       struct hs_buf *scratch, struct hs_jq_keys *keys)
{
	struct frame small[64], *st = small;
	size_t cap = 64, n = 0;
	uint32_t end = d->nodes[i].end;
	jv v;

	if (d->nodes[i].type < HS_JSON_ARRAY)
		return scalar(d, i, scratch);
	st[0].obj = d->nodes[i].type == HS_JSON_OBJECT;
	st[0].val =
	    st[0].obj ? jv_object() : jv_array_sized((int)d->nodes[i].count);
	st[0].haskey = 0;
	st[0].end = end;
	n = 1;
	for (uint32_t k = i + 1; k < end; k++) {
		const struct hs_json_node *nd = &d->nodes[k];

		/* Close every container that ended before node k. */
		while (n > 1 && k >= st[n - 1].end) {
			n--;
			attach(&st[n - 1], st[n].val);
		}
		if (st[n - 1].obj && !st[n - 1].haskey) {
			st[n - 1].key = key_value(d, k, scratch, keys);
			st[n - 1].haskey = 1;
			continue;
		}
		if (nd->type == HS_JSON_ARRAY || nd->type == HS_JSON_OBJECT) {
			if (n == cap) {
				struct frame *big;

				big = hs_xmalloc(2 * cap * sizeof(*big));
				memcpy(big, st, n * sizeof(*big));
				if (st != small)
					free(st);
				st = big;
				cap *= 2;
			}
			st[n].obj = nd->type == HS_JSON_OBJECT;
			st[n].val = st[n].obj ? jv_object()
			                      : jv_array_sized((int)nd->count);
			st[n].haskey = 0;
			st[n].end = nd->end;
			n++;
			continue;
		}
		attach(&st[n - 1], scalar(d, k, scratch));
	}
	while (n > 1) {
		n--;
		attach(&st[n - 1], st[n].val);
	}
	v = st[0].val;
	if (st != small)
		free(st);
	return v;
}

uint32_t hs_jq_lossy(const struct hs_json_doc *d, uint32_t i)
{
	uint32_t end = d->nodes[i].end;

	for (uint32_t k = i; k < end; k++) {
		const struct hs_json_node *nd = &d->nodes[k];

		if (nd->type != HS_JSON_NUMBER)
			continue;
		/* Up to 15 characters without an exponent hold at most 15
		 * digits in the normal range: they always fit. */
		if (nd->len <= 15 && !(nd->flags & HS_JSON_F_EXP))
			continue;
		if (!hs_num_fits_double(d->text + nd->off, nd->len))
			return k;
	}
	return HS_JSON_NONE;
}

static int str_same(jv v, const struct hs_json_doc *d, uint32_t i,
                    struct hs_buf *scratch)
{
	const char *p;
	size_t n;

	if (!hs_json_str_plain(d, i, &p, &n)) {
		hs_buf_reset(scratch);
		hs_json_str_decode(d, i, scratch);
		p = scratch->data;
		n = scratch->len;
	}
	return (size_t)jv_string_length_bytes(jv_copy(v)) == n &&
	       memcmp(jv_string_value(v), p, n) == 0;
}

static int same(jv v, const struct hs_json_doc *d, uint32_t i,
                struct hs_buf *scratch)
{
	const struct hs_json_node *nd = &d->nodes[i];
	jv_kind kind = jv_get_kind(v);
	int ok = 1;

	switch (nd->type) {
	case HS_JSON_NULL:
		return kind == JV_KIND_NULL;
	case HS_JSON_FALSE:
		return kind == JV_KIND_FALSE;
	case HS_JSON_TRUE:
		return kind == JV_KIND_TRUE;
	case HS_JSON_NUMBER: {
		double x = hs_jq_num(d->text + nd->off, nd->len);

		/* Compare bits so -0 and 0 differ; jq prints them apart. */
		return kind == JV_KIND_NUMBER &&
		       memcmp(&x, &(double){jv_number_value(v)}, sizeof(x)) ==
		           0;
	}
	case HS_JSON_STRING:
		return kind == JV_KIND_STRING && str_same(v, d, i, scratch);
	case HS_JSON_ARRAY: {
		int idx = 0;

		if (kind != JV_KIND_ARRAY ||
		    jv_array_length(jv_copy(v)) != (int)nd->count)
			return 0;
		HS_JSON_FOREACH_ELEM(d, i, e)
		{
			jv el = jv_array_get(jv_copy(v), idx++);

			ok = same(el, d, e, scratch);
			jv_free(el);
			if (!ok)
				return 0;
		}
		return 1;
	}
	default:
		break;
	}
	if (kind != JV_KIND_OBJECT ||
	    jv_object_length(jv_copy(v)) != (int)nd->count)
		return 0;
	/* libjq iterates an object in insertion order: walk both at once. */
	int it = jv_object_iter(v);
	HS_JSON_FOREACH_MEMBER(d, i, k)
	{
		jv key, val;

		if (!jv_object_iter_valid(v, it))
			return 0;
		key = jv_object_iter_key(v, it);
		ok = str_same(key, d, k, scratch);
		jv_free(key);
		if (ok) {
			val = jv_object_iter_value(v, it);
			ok = same(val, d, k + 1, scratch);
			jv_free(val);
		}
		if (!ok)
			return 0;
		it = jv_object_iter_next(v, it);
	}
	return 1;
}

int hs_jq_same(jv v, const struct hs_json_doc *d, uint32_t i,
               struct hs_buf *scratch)
{
	return same(v, d, i, scratch);
}

/*
 * At a power of two the doubles below are twice as dense as above, so the
 * nearest 16-digit decimal can fall just outside (below) while the next
 * one up reads back: dtoa takes that one.  buf holds "%.15e" of d; when
 * its last digit plus one reads back as d, buf is rewritten to it and 1
 * is returned.
 */
static int up_one(char *buf, double d)
{
	char alt[40], *e = strchr(buf, 'e'), *p;
	int ex = (int)strtol(e + 1, NULL, 10);

	memcpy(alt, buf, (size_t)(e - buf));
	for (p = alt + (e - buf) - 1; p >= alt; p--) {
		if (*p == '.')
			continue;
		if (*p != '9') {
			(*p)++;
			break;
		}
		*p = '0';
	}
	if (p < alt) { /* 9.99...9 became 0.00...0: 1.00...0 one power up */
		alt[0] = '1';
		ex++;
	}
	snprintf(alt + (e - buf), sizeof(alt) - (size_t)(e - buf), "e%d", ex);
	if (strtod(alt, NULL) != d)
		return 0;
	memcpy(buf, alt, sizeof(alt));
	return 1;
}

/*
 * Shortest digits that read back as d (finite, nonzero, not negative):
 * at most 17, in digits[], NUL-ended, no trailing zeros; returns the
 * decimal point position as dtoa() reports it (value = 0.DIGITS * 10^pt).
 * The correctly rounded 15-digit form is the shortest whenever anything
 * of 15 digits or fewer reads back (a double's error is below half a unit
 * of the 15th digit); past that, 16 and then 17 digits, each the nearest
 * of its length, as dtoa's mode 0 chooses.  (Subnormals hold fewer
 * digits, so for them every length is tried.)
 */
static int shortest(double d, char *digits)
{
	char buf[40], *p, *e;
	int n = 0, ex, prec;

	/* Subnormals carry fewer digits: search from one digit up. */
	for (prec = d < DBL_MIN ? 0 : 14; prec < 16; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec, d);
		if (strtod(buf, NULL) == d)
			break;
		if (prec == 15 && up_one(buf, d))
			break;
	}
	if (prec == 16)
		snprintf(buf, sizeof(buf), "%.16e", d);
	e = strchr(buf, 'e');
	for (p = buf; p < e; p++)
		if (*p >= '0' && *p <= '9')
			digits[n++] = *p;
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = '\0';
	ex = (int)strtol(e + 1, NULL, 10);
	return ex + 1;
}

/*
 * A number as jq 1.6 prints it (jvp_dtoa_fmt over the shortest digits):
 * NaN as null, infinities as +-DBL_MAX, plain notation unless the point
 * is 4 or more places left of the digits or more than 15 zeros would
 * follow them, then d.ddde+XX with at least two exponent digits.
 */
static void dump_num(double d, struct hs_buf *out)
{
	char digits[24], tmp[48], *w = tmp;
	int nd, pt;

	if (d != d) {
		hs_buf_add(out, "null", 4);
		return;
	}
	if (d > DBL_MAX)
		d = DBL_MAX;
	if (d < -DBL_MAX)
		d = -DBL_MAX;
	if (signbit(d)) {
		*w++ = '-';
		d = -d;
	}
	if (d < 9007199254740992.0 && d == (double)(uint64_t)d) {
		/* Integers below 2^53: the exact digits are the shortest. */
		uint64_t u = (uint64_t)d;
		char rev[24];
		int k = 0;

		do
			rev[k++] = (char)('0' + u % 10);
		while ((u /= 10) != 0);
		while (k)
			*w++ = rev[--k];
		hs_buf_add(out, tmp, (size_t)(w - tmp));
		return;
	}
	pt = shortest(d, digits);
	nd = (int)strlen(digits);
	if (pt <= -4 || pt > nd + 15) {
		int ex = pt - 1, k = 0;
		char rev[8];

		*w++ = digits[0];
		if (nd > 1) {
			*w++ = '.';
			memcpy(w, digits + 1, (size_t)nd - 1);
			w += nd - 1;
		}
		*w++ = 'e';
		*w++ = ex < 0 ? '-' : '+';
		if (ex < 0)
			ex = -ex;
		do
			rev[k++] = (char)('0' + ex % 10);
		while ((ex /= 10) != 0);
		if (k < 2)
			rev[k++] = '0';
		while (k)
			*w++ = rev[--k];
	} else if (pt <= 0) {
		*w++ = '0';
		*w++ = '.';
		for (; pt < 0; pt++)
			*w++ = '0';
		memcpy(w, digits, (size_t)nd);
		w += nd;
	} else {
		for (int k = 0; k < nd; k++) {
			*w++ = digits[k];
			if (k + 1 == pt && k + 1 < nd)
				*w++ = '.';
		}
		for (; pt > nd; pt--)
			*w++ = '0';
	}
	hs_buf_add(out, tmp, (size_t)(w - tmp));
}

/*
 * A string as jq prints it: '"' and '\\' escaped, \b \t \n \f \r by
 * name, other controls and DEL as \u00XX in lowercase hex, everything
 * else (a jv string is always valid UTF-8) as it is, "/" included: what
 * hs_json_write_str() writes (test-jqbridge checks every byte).
 */
static void dump_jv_str(jv v, struct hs_buf *out)
{
	hs_json_write_str(out, jv_string_value(v),
	                  (size_t)jv_string_length_bytes(jv_copy(v)));
}

/* Past this depth, libjq's own printer (recursive too) takes over. */
#define DUMP_DEPTH 512

/* v is not consumed; returns -1 only when too deep (out then undefined). */
static int dump(jv v, struct hs_buf *out, int depth)
{
	int n, first = 1;

	switch (jv_get_kind(v)) {
	case JV_KIND_NULL:
		hs_buf_add(out, "null", 4);
		return 0;
	case JV_KIND_FALSE:
		hs_buf_add(out, "false", 5);
		return 0;
	case JV_KIND_TRUE:
		hs_buf_add(out, "true", 4);
		return 0;
	case JV_KIND_NUMBER:
		dump_num(jv_number_value(v), out);
		return 0;
	case JV_KIND_STRING:
		dump_jv_str(v, out);
		return 0;
	default:
		break;
	}
	if (depth >= DUMP_DEPTH)
		return -1;
	if (jv_get_kind(v) == JV_KIND_ARRAY) {
		n = jv_array_length(jv_copy(v));
		hs_buf_addc(out, '[');
		for (int i = 0; i < n; i++) {
			jv el = jv_array_get(jv_copy(v), i);
			int r;

			if (i)
				hs_buf_addc(out, ',');
			r = dump(el, out, depth + 1);
			jv_free(el);
			if (r < 0)
				return -1;
		}
		hs_buf_addc(out, ']');
		return 0;
	}
	/* Objects in insertion order, as jq -c without -S. */
	hs_buf_addc(out, '{');
	for (int it = jv_object_iter(v); jv_object_iter_valid(v, it);
	     it = jv_object_iter_next(v, it)) {
		jv key = jv_object_iter_key(v, it);
		jv val = jv_object_iter_value(v, it);
		int r;

		if (!first)
			hs_buf_addc(out, ',');
		first = 0;
		dump_jv_str(key, out);
		hs_buf_addc(out, ':');
		r = dump(val, out, depth + 1);
		jv_free(key);
		jv_free(val);
		if (r < 0)
			return -1;
	}
	hs_buf_addc(out, '}');
	return 0;
}

void hs_jq_dump_num(double d, struct hs_buf *out)
{
	dump_num(d, out);
}

int hs_jq_dump(jv v, struct hs_buf *out)
{
	size_t at = out->len;
	jv s;

	if (!jv_is_valid(v)) {
		jv_free(v);
		return -1;
	}
	if (dump(v, out, 0) == 0) {
		jv_free(v);
		return 0;
	}
	hs_buf_setlen(out, at);
	s = jv_dump_string(v, 0);
	hs_buf_add(out, jv_string_value(s),
	           (size_t)jv_string_length_bytes(jv_copy(s)));
	jv_free(s);
	return 0;
}

void hs_jq_errmsg(jv msg, struct hs_buf *out)
{
	if (jv_get_kind(msg) == JV_KIND_STRING) {
		hs_buf_add(out, jv_string_value(msg),
		           (size_t)jv_string_length_bytes(jv_copy(msg)));
		jv_free(msg);
		return;
	}
	hs_buf_adds(out, "(not a string): ");
	hs_jq_dump(msg, out);
}
