#include <math.h>
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

static double num_slow(const char *s, size_t n)
{
	char small[64], *lit = small;
	double x;

	if (n >= sizeof(small))
		lit = hs_xmalloc(n + 1);
	memcpy(lit, s, n);
	lit[n] = '\0';
	x = strtod(lit, NULL);
	if (lit != small)
		free(lit);
	return x;
}

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
				return num_slow(s, n);
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
		return num_slow(s, n);
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
			st[n - 1].key = str_value(d, k, scratch);
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

int hs_jq_dump(jv v, struct hs_buf *out)
{
	jv s;

	if (!jv_is_valid(v)) {
		jv_free(v);
		return -1;
	}
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
