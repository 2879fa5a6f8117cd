/*
 * json-str.c: the string values of a parsed tape: decoding escapes,
 * comparing decoded strings (hs_json_str_eq), deep equality of values
 * (hs_json_equal, which orders object members by decoded key) and
 * escaping a string for output (hs_json_write_str).  Parsing and
 * validating are json.c's; lookups by key, pointer or path json-query.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "json-int.h"
#include "json.h"
#include "num.h"

#include "banned.h"

/*
 * Decode the escape at q (already validated by the parser) into o;
 * return the bytes written and set *adv to the escape's length.
 */
static size_t unescape(const unsigned char *q, char *o, size_t *adv)
{
	unsigned long cp;

	*adv = 2;
	switch (q[1]) {
	case 'b':
		*o = '\b';
		return 1;
	case 'f':
		*o = '\f';
		return 1;
	case 'n':
		*o = '\n';
		return 1;
	case 'r':
		*o = '\r';
		return 1;
	case 't':
		*o = '\t';
		return 1;
	case 'u':
		break;
	default:
		*o = (char)q[1];
		return 1;
	}
	cp = (unsigned long)hex4(q + 2, q + 6);
	*adv = 6;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		cp = 0x10000 + ((cp - 0xD800) << 10) +
		     ((unsigned long)hex4(q + 8, q + 12) - 0xDC00);
		*adv = 12;
	}
	return hs_utf8_put((uint32_t)cp, o);
}

/* A cursor yielding the decoded content of a string in chunks: runs of
 * raw text, or one decoded escape in tmp. */
struct scur {
	const char *p, *e;
	int raw; /* no escapes to interpret */
	char tmp[4];
};

static void scur_node(struct scur *c, const struct hs_json_doc *d, uint32_t i)
{
	c->p = d->text + d->nodes[i].off + 1;
	c->e = c->p + d->nodes[i].len - 2;
	c->raw = !(d->nodes[i].flags & HS_JSON_F_ESCAPED);
}

static int scur_next(struct scur *c, const char **out, size_t *n)
{
	const char *b;
	size_t adv;

	if (c->p >= c->e)
		return 0;
	if (!c->raw && *c->p == '\\') {
		*n = unescape((const unsigned char *)c->p, c->tmp, &adv);
		*out = c->tmp;
		c->p += adv;
		return 1;
	}
	b = c->raw ? NULL : memchr(c->p, '\\', (size_t)(c->e - c->p));
	if (!b)
		b = c->e;
	*out = c->p;
	*n = (size_t)(b - c->p);
	c->p = b;
	return 1;
}

/* Order two decoded strings bytewise: <0, 0, >0. */
static int scur_cmp(struct scur *a, struct scur *b)
{
	const char *pa = NULL, *pb = NULL;
	size_t na = 0, nb = 0, k;
	int r;

	for (;;) {
		if (!na && !scur_next(a, &pa, &na))
			return nb || scur_next(b, &pb, &nb) ? -1 : 0;
		if (!nb && !scur_next(b, &pb, &nb))
			return 1;
		k = na < nb ? na : nb;
		r = memcmp(pa, pb, k);
		if (r)
			return r;
		pa += k, na -= k;
		pb += k, nb -= k;
	}
}

static int scur_eq(struct scur *a, struct scur *b)
{
	return scur_cmp(a, b) == 0;
}

int hs_json_str_decode(const struct hs_json_doc *d, uint32_t i,
                       struct hs_buf *out)
{
	struct scur c;
	const char *p;
	size_t n;

	scur_node(&c, d, i);
	hs_buf_grow(out, d->nodes[i].len);
	while (scur_next(&c, &p, &n))
		hs_buf_add(out, p, n);
	return 0;
}

/* Decode the (validated) string body p..e into out, replacing it. */
void hs_json_decode_key(const char *p, const char *e, struct hs_buf *out)
{
	struct scur c = {p, e, 0, {0}};
	const char *part;
	size_t pn;

	hs_buf_reset(out);
	while (scur_next(&c, &part, &pn))
		hs_buf_add(out, part, pn);
}

int hs_json_str_plain(const struct hs_json_doc *d, uint32_t i, const char **p,
                      size_t *n)
{
	if (d->nodes[i].flags & HS_JSON_F_ESCAPED)
		return 0;
	*p = d->text + d->nodes[i].off + 1;
	*n = d->nodes[i].len - 2;
	return 1;
}

int hs_json_str_eq(const struct hs_json_doc *d, uint32_t i, const char *s,
                   size_t n)
{
	const struct hs_json_node *nd = &d->nodes[i];
	struct scur a, b;

	if (nd->type != HS_JSON_STRING)
		return 0;
	if (!(nd->flags & HS_JSON_F_ESCAPED))
		return nd->len - 2 == n && !memcmp(d->text + nd->off + 1, s, n);
	/* An escape shortens the text, so decoded length <= len - 2. */
	if (n > nd->len - 2)
		return 0;
	scur_node(&a, d, i);
	b.p = s;
	b.e = s + n;
	b.raw = 1;
	return scur_eq(&a, &b);
}

/* String node i of da equals string node j of db by content. */
static int str_nodes_eq(const struct hs_json_doc *da, uint32_t i,
                        const struct hs_json_doc *db, uint32_t j)
{
	const struct hs_json_node *a = &da->nodes[i], *b = &db->nodes[j];
	struct scur ca, cb;

	if (!((a->flags | b->flags) & HS_JSON_F_ESCAPED))
		return a->len == b->len &&
		       !memcmp(da->text + a->off, db->text + b->off, a->len);
	scur_node(&ca, da, i);
	scur_node(&cb, db, j);
	return scur_eq(&ca, &cb);
}

static int shadowed(const struct hs_json_doc *d, uint32_t obj, uint32_t k)
{
	for (uint32_t j = d->nodes[k + 1].end; j < d->nodes[obj].end;
	     j = d->nodes[j + 1].end)
		if (str_nodes_eq(d, k, d, j))
			return 1;
	return 0;
}

/* Value of the last member of obj in d keyed like node k of dk. */
static uint32_t find_member(const struct hs_json_doc *d, uint32_t obj,
                            const struct hs_json_doc *dk, uint32_t k)
{
	uint32_t found = HS_JSON_NONE;

	HS_JSON_FOREACH_MEMBER(d, obj, j)
	{
		if (str_nodes_eq(dk, k, d, j))
			found = j + 1;
	}
	return found;
}

static uint32_t unique_keys(const struct hs_json_doc *d, uint32_t obj)
{
	uint32_t u = 0;

	HS_JSON_FOREACH_MEMBER(d, obj, k)
	{
		u += !shadowed(d, obj, k);
	}
	return u;
}

/* Objects with more members than this are compared by sorted keys. */
#define SORT_MEMBERS 16

struct member {
	const struct hs_json_doc *d;
	uint32_t k; /* key node */
};

static int member_cmp(const void *x, const void *y)
{
	const struct member *a = x, *b = y;
	struct scur ca, cb;
	int r;

	scur_node(&ca, a->d, a->k);
	scur_node(&cb, b->d, b->k);
	r = scur_cmp(&ca, &cb);
	if (r)
		return r;
	return a->k < b->k ? -1 : a->k > b->k;
}

/*
 * Keys of obj sorted by decoded value, keeping only the last of equal
 * keys (the one that counts); returns how many are left in *out
 * (caller frees).
 */
static size_t sorted_members(const struct hs_json_doc *d, uint32_t obj,
                             struct member **out)
{
	struct member *m = hs_xmalloc(sizeof(*m) * (d->nodes[obj].count + 1));
	size_t n = 0, u = 0;
	struct scur ca, cb;

	HS_JSON_FOREACH_MEMBER(d, obj, k)
	{
		m[n].d = d;
		m[n++].k = k;
	}
	qsort(m, n, sizeof(*m), member_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n) {
			scur_node(&ca, d, m[i].k);
			scur_node(&cb, d, m[i + 1].k);
			if (scur_eq(&ca, &cb))
				continue; /* a later duplicate follows */
		}
		m[u++] = m[i];
	}
	*out = m;
	return u;
}

struct pair {
	uint32_t a, b;
};

/* Pairs still to compare: a stack that starts on the C stack and moves
 * to the heap when a wide or deep document needs more. */
struct work {
	struct pair *v, small[64];
	size_t n, cap;
};

static void push(struct work *w, uint32_t a, uint32_t b)
{
	if (w->n == w->cap) {
		struct pair *nv = hs_xmalloc(w->cap * 2 * sizeof(*nv));

		memcpy(nv, w->v, w->n * sizeof(*nv));
		if (w->v != w->small)
			free(w->v);
		w->v = nv;
		w->cap *= 2;
	}
	w->v[w->n].a = a;
	w->v[w->n++].b = b;
}

/* Large objects: O(n log n) by merging sorted unique keys. */
static int equal_sorted(const struct hs_json_doc *da, uint32_t x,
                        const struct hs_json_doc *db, uint32_t y,
                        struct work *w)
{
	struct member *ma, *mb;
	size_t na = sorted_members(da, x, &ma), nb = sorted_members(db, y, &mb);
	int r = na == nb;
	struct scur ca, cb;

	for (size_t i = 0; r && i < na; i++) {
		scur_node(&ca, da, ma[i].k);
		scur_node(&cb, db, mb[i].k);
		if (scur_eq(&ca, &cb))
			push(w, ma[i].k + 1, mb[i].k + 1);
		else
			r = 0;
	}
	free(ma);
	free(mb);
	return r;
}

/* Compare the top pair; push the pairs of children to compare later. */
static int equal_step(const struct hs_json_doc *da, uint32_t x,
                      const struct hs_json_doc *db, uint32_t y, struct work *w)
{
	const struct hs_json_node *nx = &da->nodes[x], *ny = &db->nodes[y];
	uint32_t e, f, v;

	if (nx->type != ny->type)
		return 0;
	switch (nx->type) {
	case HS_JSON_NUMBER:
		if (nx->len == ny->len &&
		    !memcmp(da->text + nx->off, db->text + ny->off, nx->len))
			return 1;
		return hs_num_cmp(da->text + nx->off, nx->len,
		                  db->text + ny->off, ny->len) == 0;
	case HS_JSON_STRING:
		return str_nodes_eq(da, x, db, y);
	case HS_JSON_ARRAY:
		if (nx->count != ny->count)
			return 0;
		for (e = x + 1, f = y + 1; e < nx->end;
		     e = da->nodes[e].end, f = db->nodes[f].end)
			push(w, e, f);
		return 1;
	case HS_JSON_OBJECT:
		if (nx->count > SORT_MEMBERS || ny->count > SORT_MEMBERS)
			return equal_sorted(da, x, db, y, w);
		/* Duplicate keys: the last one wins, as in hs_json_obj_get. */
		if (unique_keys(da, x) != unique_keys(db, y))
			return 0;
		HS_JSON_FOREACH_MEMBER(da, x, k)
		{
			if (shadowed(da, x, k))
				continue;
			v = find_member(db, y, da, k);
			if (v == HS_JSON_NONE)
				return 0;
			push(w, k + 1, v);
		}
		return 1;
	default:
		return 1;
	}
}

int hs_json_equal(const struct hs_json_doc *da, uint32_t a,
                  const struct hs_json_doc *db, uint32_t b)
{
	struct work w;
	int r = 1;

	if (a >= da->n || b >= db->n)
		return 0;
	w.v = w.small;
	w.n = 0;
	w.cap = sizeof(w.small) / sizeof(w.small[0]);
	push(&w, a, b);
	while (r && w.n) {
		struct pair pr = w.v[--w.n];

		r = equal_step(da, pr.a, db, pr.b, &w);
	}
	if (w.v != w.small)
		free(w.v);
	return r;
}

/* Bytes hs_json_write_str() escapes: what JSON requires, plus DEL as
 * libjq does, so our output matches jq's for the same string. */
static const unsigned char esc_tab[256] = {
    R16(1), R16(1), ['"'] = 1, ['\\'] = 1, [0x7F] = 1,
};

void hs_json_write_str(struct hs_buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0;

	hs_buf_grow(out, n + 2);
	hs_buf_addc(out, '"');
	for (size_t i = 0; i < n; i++) {
		char e[6] = {'\\', 'u', '0', '0', 0, 0};
		size_t elen = 2;

		if (!esc_tab[p[i]])
			continue;
		hs_buf_add(out, s + run, i - run);
		run = i + 1;
		switch (p[i]) {
		case '"':
		case '\\':
			e[1] = (char)p[i];
			break;
		case '\b':
			e[1] = 'b';
			break;
		case '\f':
			e[1] = 'f';
			break;
		case '\n':
			e[1] = 'n';
			break;
		case '\r':
			e[1] = 'r';
			break;
		case '\t':
			e[1] = 't';
			break;
		default:
			e[4] = hex[p[i] >> 4];
			e[5] = hex[p[i] & 0xF];
			elen = 6;
		}
		hs_buf_add(out, e, elen);
	}
	hs_buf_add(out, s + run, n - run);
	hs_buf_addc(out, '"');
}
