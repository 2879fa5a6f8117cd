/*
 * json-query.c: lookups over a parsed tape: object members, array
 * elements, JSON Pointers, the dotted paths of hs_json_path() and numbers
 * as double or int64.  Parsing is json.c's; comparing strings and values
 * json-str.c's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "json-int.h"
#include "json.h"
#include "num.h"

#include "banned.h"

uint32_t hs_json_obj_get(const struct hs_json_doc *d, uint32_t obj,
                         const char *key, size_t keylen)
{
	uint32_t found = HS_JSON_NONE;

	if (obj >= d->n || d->nodes[obj].type != HS_JSON_OBJECT)
		return HS_JSON_NONE;
	HS_JSON_FOREACH_MEMBER(d, obj, k)
	{
		if (hs_json_str_eq(d, k, key, keylen))
			found = k + 1; /* keep going: the last one wins */
	}
	return found;
}

uint32_t hs_json_arr_at(const struct hs_json_doc *d, uint32_t arr, uint32_t idx)
{
	if (arr >= d->n || d->nodes[arr].type != HS_JSON_ARRAY ||
	    idx >= d->nodes[arr].count)
		return HS_JSON_NONE;
	HS_JSON_FOREACH_ELEM(d, arr, e)
	{
		if (idx-- == 0)
			return e;
	}
	return HS_JSON_NONE;
}

/* Parse a JSON Pointer array index: "0" or [1-9][0-9]*; -1 if not. */
static long long ptr_index(const char *s, size_t n)
{
	long long v = 0;

	if (n == 0 || n > 10 || (n > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isdig((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* One step down from node cur by the key/index in seg (already decoded
 * for keys). */
static uint32_t step(const struct hs_json_doc *d, uint32_t cur, const char *seg,
                     size_t n)
{
	long long idx;

	if (cur == HS_JSON_NONE || cur >= d->n)
		return HS_JSON_NONE;
	if (d->nodes[cur].type == HS_JSON_OBJECT)
		return hs_json_obj_get(d, cur, seg, n);
	if (d->nodes[cur].type != HS_JSON_ARRAY)
		return HS_JSON_NONE;
	idx = ptr_index(seg, n);
	if (idx < 0 || idx > UINT32_MAX)
		return HS_JSON_NONE;
	return hs_json_arr_at(d, cur, (uint32_t)idx);
}

uint32_t hs_json_pointer(const struct hs_json_doc *d, uint32_t root,
                         const char *ptr, size_t ptrlen)
{
	char small[256], *buf = small;
	size_t i = 0, cap = sizeof(small);
	uint32_t cur = root;

	if (root >= d->n)
		return HS_JSON_NONE;
	if (ptrlen && ptr[0] != '/')
		return HS_JSON_NONE;
	while (i < ptrlen && cur != HS_JSON_NONE) {
		size_t st = ++i, k = 0;

		while (i < ptrlen && ptr[i] != '/')
			i++;
		if (i - st > cap) {
			if (buf != small)
				free(buf);
			cap = i - st;
			buf = hs_xmalloc(cap);
		}
		for (size_t j = st; j < i; j++) {
			if (ptr[j] != '~') {
				buf[k++] = ptr[j];
			} else if (j + 1 < i &&
			           (ptr[j + 1] == '0' || ptr[j + 1] == '1')) {
				buf[k++] = ptr[++j] == '0' ? '~' : '/';
			} else {
				cur = HS_JSON_NONE; /* "~" must be ~0 or ~1 */
				break;
			}
		}
		if (cur != HS_JSON_NONE)
			cur = step(d, cur, buf, k);
	}
	if (buf != small)
		free(buf);
	return cur;
}

/* Step by the quoted JSON string at *pp (a key); advance *pp past it. */
static uint32_t step_quoted(const struct hs_json_doc *d, uint32_t cur,
                            const char **pp)
{
	const char *p = *pp, *q = p + 1;
	struct hs_json_doc kd;
	struct hs_buf key = HS_BUF_INIT;
	uint32_t r = HS_JSON_NONE;

	while (*q && *q != '"')
		q += *q == '\\' && q[1] ? 2 : 1;
	if (*q != '"')
		return HS_JSON_NONE;
	*pp = q + 1;
	if (!memchr(p + 1, '\\', (size_t)(q - p - 1)))
		return step(d, cur, p + 1, (size_t)(q - p - 1));
	hs_json_doc_init(&kd);
	if (hs_json_parse(&kd, p, (size_t)(q + 1 - p)) == 0) {
		hs_json_str_decode(&kd, 0, &key);
		if (cur < d->n && d->nodes[cur].type == HS_JSON_OBJECT)
			r = hs_json_obj_get(d, cur, key.data, key.len);
	}
	hs_buf_release(&key);
	hs_json_doc_release(&kd);
	return r;
}

uint32_t hs_json_path(const struct hs_json_doc *d, uint32_t root,
                      const char *path)
{
	const char *p = path;
	uint32_t cur = root;
	int name = 1; /* after '.', a name may follow */

	if (root >= d->n || *p++ != '.')
		return HS_JSON_NONE;
	while (*p && cur != HS_JSON_NONE) {
		if (*p == '[') {
			p++;
			if (*p == '"') {
				if (cur < d->n &&
				    d->nodes[cur].type != HS_JSON_OBJECT)
					return HS_JSON_NONE;
				cur = step_quoted(d, cur, &p);
			} else {
				long long v = 0;
				int neg = *p == '-', nd = 0;

				p += neg;
				for (; isdig((unsigned char)*p) && nd < 11;
				     nd++)
					v = v * 10 + (*p++ - '0');
				if (!nd || isdig((unsigned char)*p) ||
				    cur >= d->n ||
				    d->nodes[cur].type != HS_JSON_ARRAY)
					return HS_JSON_NONE;
				/* jq: a negative index counts from the end */
				if (neg)
					v = (long long)d->nodes[cur].count - v;
				if (v < 0 || v > UINT32_MAX)
					return HS_JSON_NONE;
				cur = hs_json_arr_at(d, cur, (uint32_t)v);
			}
			if (*p++ != ']')
				return HS_JSON_NONE;
			name = 0;
		} else if (name && *p == '"') {
			cur = step_quoted(d, cur, &p);
			name = 0;
		} else if (name) {
			const char *st = p;

			if (!(*p == '_' ||
			      ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')))
				return HS_JSON_NONE;
			while (*p == '_' || isdig((unsigned char)*p) ||
			       ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
				p++;
			if (cur >= d->n || d->nodes[cur].type != HS_JSON_OBJECT)
				return HS_JSON_NONE;
			cur = hs_json_obj_get(d, cur, st, (size_t)(p - st));
			name = 0;
		} else if (*p == '.') {
			p++;
			name = 1;
			if (!*p)
				return HS_JSON_NONE; /* ".a." */
		} else {
			return HS_JSON_NONE;
		}
	}
	return cur;
}

double hs_json_num(const struct hs_json_doc *d, uint32_t i)
{
	const struct hs_json_node *nd = &d->nodes[i];
	char small[64], *buf = small;
	double v;

	if (nd->len >= sizeof(small))
		buf = hs_xmalloc(nd->len + 1);
	memcpy(buf, d->text + nd->off, nd->len);
	buf[nd->len] = '\0';
	v = strtod(buf, NULL);
	if (buf != small)
		free(buf);
	return v;
}

int hs_json_int64(const struct hs_json_doc *d, uint32_t i, int64_t *out)
{
	const struct hs_json_node *nd = &d->nodes[i];
	const char *s = d->text + nd->off;
	struct hs_num_dec v;
	uint64_t mag = 0, lim;
	int rc = -1;

	if (nd->type != HS_JSON_NUMBER)
		return -1;
	if (hs_num_dec_parse(&v, s, nd->len) < 0)
		return -1;
	lim = v.neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (v.ndigits == 0) {
		*out = 0;
		rc = 0;
	} else if (v.exp >= (int64_t)v.ndigits && v.exp <= 19) {
		rc = 0;
		for (int64_t k = 0; k < v.exp && rc == 0; k++) {
			unsigned dg = k < (int64_t)v.ndigits
			                  ? (unsigned)(v.digits[k] - '0')
			                  : 0;

			if (mag > (lim - dg) / 10)
				rc = -1;
			else
				mag = mag * 10 + dg;
		}
		if (rc == 0)
			*out = v.neg ? (int64_t)(0 - mag) : (int64_t)mag;
	}
	hs_num_dec_release(&v);
	return rc;
}
