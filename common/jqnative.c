/*
 * jqnative.c: the jq subset of jqnative.h, parsed into a small tree and
 * evaluated on the event's tape.  This file owns the arena and the values
 * (objects, printing as jq -c, equality and order as libjq); the lexer is
 * jqnative-lex.c's, the parser jqnative-parse.c's, operators and builtins
 * jqnative-ops.c's and evaluation jqnative-eval.c's, with what they share
 * in jqnative-int.h.
 *
 * Evaluation follows jq's generator semantics with continuations: every
 * node calls k() once per output, in the order libjq 1.6 produces them
 * (for binary operators the right operand's outputs are the outer loop,
 * for object construction the first pair is; see the unit and CLI tests,
 * which check each order against jq).  A continuation's nonzero return
 * (HS_JQN_PUNT, or the emitter's own) unwinds everything.
 *
 * Values are small structs passed by value.  A value may be a node of the
 * event's tape (V_TAPE), read lazily: .a.b on the tape costs a lookup, and
 * a subtree passed through is printed from the tape, number by number as
 * libjq would (through the double it holds) and string by string as jq
 * escapes.  Objects built from the tape drop duplicate keys as libjq does
 * (the first position, the last value).  Everything an event allocates
 * comes from an arena that is reset, not freed, for the next event.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jqnative-int.h"

#include "banned.h"

/* ---- arena and objects ---- */

void hs_jqn_arena_reset(struct arena *a)
{
	a->cur = a->head;
	if (a->head)
		a->head->used = 0;
}

void hs_jqn_arena_free(struct arena *a)
{
	struct blk *b = a->head, *next;

	for (; b; b = next) {
		next = b->next;
		free(b);
	}
	a->head = a->cur = NULL;
}

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int key_eq(struct val a, const char *s, size_t n)
{
	return a.n == n && memcmp(a.u.s, s, n) == 0;
}

static void ht_build(struct ctx *x, struct obj *o, uint32_t hcap)
{
	o->hcap = hcap;
	o->ht = aalloc(x->ar, hcap * sizeof(*o->ht));
	memset(o->ht, 0, hcap * sizeof(*o->ht));
	for (uint32_t i = 0; i < o->n; i++) {
		uint32_t at = hash(o->kv[2 * i].u.s, o->kv[2 * i].n);

		for (at &= hcap - 1; o->ht[at]; at = (at + 1) & (hcap - 1))
			;
		o->ht[at] = i + 1;
	}
}

/* Index of key s[0..n) in o, or -1. */
long hs_jqn_obj_find(const struct obj *o, const char *s, size_t n)
{
	if (!o->ht) {
		for (uint32_t i = 0; i < o->n; i++)
			if (key_eq(o->kv[2 * i], s, n))
				return i;
		return -1;
	}
	for (uint32_t at = hash(s, n) & (o->hcap - 1); o->ht[at];
	     at = (at + 1) & (o->hcap - 1))
		if (key_eq(o->kv[2 * (o->ht[at] - 1)], s, n))
			return o->ht[at] - 1;
	return -1;
}

struct obj *hs_jqn_obj_new(struct ctx *x, uint32_t cap)
{
	struct obj *o = aalloc(x->ar, sizeof(*o));

	o->n = 0;
	o->cap = cap ? cap : 4;
	o->kv = aalloc(x->ar, 2 * o->cap * sizeof(*o->kv));
	o->ht = NULL;
	o->hcap = 0;
	return o;
}

/* jv_object_set(): a new key goes last, a known key keeps its place. */
void hs_jqn_obj_set(struct ctx *x, struct obj *o, struct val key, struct val v)
{
	long i = hs_jqn_obj_find(o, key.u.s, key.n);

	if (i >= 0) {
		o->kv[2 * i + 1] = v;
		return;
	}
	if (o->n == o->cap) {
		struct val *kv = aalloc(x->ar, 4 * o->cap * sizeof(*kv));

		memcpy(kv, o->kv, 2 * o->n * sizeof(*kv));
		o->kv = kv;
		o->cap *= 2;
	}
	o->kv[2 * o->n] = key;
	o->kv[2 * o->n + 1] = v;
	o->n++;
	if (o->n >= HT_MIN && (!o->ht || 2 * o->n > o->hcap))
		ht_build(x, o, o->hcap ? 2 * o->hcap : 4 * HT_MIN);
	else if (o->ht) {
		uint32_t at = hash(key.u.s, key.n);

		for (at &= o->hcap - 1; o->ht[at];
		     at = (at + 1) & (o->hcap - 1))
			;
		o->ht[at] = o->n;
	}
}

/* An object value as libjq holds it: tape objects lose duplicate keys. */
const struct obj *hs_jqn_obj(struct ctx *x, struct val v)
{
	const struct hs_json_doc *d = x->d;
	struct obj *o;

	if (v.k != V_TAPE)
		return v.u.o;
	o = hs_jqn_obj_new(x, d->nodes[v.n].count);
	HS_JSON_FOREACH_MEMBER(d, v.n, m)
	hs_jqn_obj_set(x, o, resolve_str(x, vtape(m)), vtape(m + 1));
	return o;
}

/* ---- printing, as jq -c ---- */

/* A tape string libjq would print exactly as it is spelled. */
static int plain_printable(const struct hs_json_doc *d, uint32_t i)
{
	return !(d->nodes[i].flags & HS_JSON_F_ESCAPED) &&
	       !memchr(hs_json_raw(d, i), 0x7f, d->nodes[i].len);
}

static void print_str(struct ctx *x, struct val v, struct hs_buf *out)
{
	const char *s;
	size_t n;

	if (v.k == V_TAPE && plain_printable(x->d, v.n)) {
		hs_buf_add(out, hs_json_raw(x->d, v.n), x->d->nodes[v.n].len);
		return;
	}
	str(x, v, &s, &n);
	hs_json_write_str(out, s, n);
}

/* 1 if tape object i certainly has no duplicate keys (small, plain). */
static int no_dups(const struct hs_json_doc *d, uint32_t i)
{
	if (d->nodes[i].count > 8)
		return 0;
	HS_JSON_FOREACH_MEMBER(d, i, a)
	{
		if (d->nodes[a].flags & HS_JSON_F_ESCAPED)
			return 0;
		for (uint32_t b = d->nodes[a + 1].end; b < d->nodes[i].end;
		     b = d->nodes[b + 1].end)
			if (d->nodes[a].len == d->nodes[b].len &&
			    memcmp(hs_json_raw(d, a), hs_json_raw(d, b),
			           d->nodes[a].len) == 0)
				return 0;
	}
	return 1;
}

static int print_tape(struct ctx *x, uint32_t i, struct hs_buf *out, int depth)
{
	const struct hs_json_doc *d = x->d;
	const struct hs_json_node *nd = &d->nodes[i];
	int first = 1;

	switch (nd->type) {
	case HS_JSON_NULL:
		hs_buf_add(out, "null", 4);
		return 0;
	case HS_JSON_FALSE:
		hs_buf_add(out, "false", 5);
		return 0;
	case HS_JSON_TRUE:
		hs_buf_add(out, "true", 4);
		return 0;
	case HS_JSON_NUMBER:
		/* Integers of up to 15 digits print as they are spelled. */
		if (!(nd->flags & (HS_JSON_F_FRAC | HS_JSON_F_EXP)) &&
		    nd->len - !!(nd->flags & HS_JSON_F_NEG) <= 15)
			hs_buf_add(out, hs_json_raw(d, i), nd->len);
		else
			hs_jq_dump_num(hs_jq_num(hs_json_raw(d, i), nd->len),
			               out);
		return 0;
	case HS_JSON_STRING:
		print_str(x, vtape(i), out);
		return 0;
	default:
		break;
	}
	if (depth >= MAX_DEPTH)
		return PUNT;
	if (nd->type == HS_JSON_ARRAY) {
		hs_buf_addc(out, '[');
		HS_JSON_FOREACH_ELEM(d, i, e)
		{
			if (!first)
				hs_buf_addc(out, ',');
			first = 0;
			if (print_tape(x, e, out, depth + 1))
				return PUNT;
		}
		hs_buf_addc(out, ']');
		return 0;
	}
	if (!no_dups(d, i))
		return hs_jqn_print(x, vobj(hs_jqn_obj(x, vtape(i))), out,
		                    depth);
	hs_buf_addc(out, '{');
	HS_JSON_FOREACH_MEMBER(d, i, m)
	{
		if (!first)
			hs_buf_addc(out, ',');
		first = 0;
		print_str(x, vtape(m), out);
		hs_buf_addc(out, ':');
		if (print_tape(x, m + 1, out, depth + 1))
			return PUNT;
	}
	hs_buf_addc(out, '}');
	return 0;
}

int hs_jqn_print(struct ctx *x, struct val v, struct hs_buf *out, int depth)
{
	switch (v.k) {
	case V_TAPE:
		return print_tape(x, v.n, out, depth);
	case V_NULL:
		hs_buf_add(out, "null", 4);
		return 0;
	case V_FALSE:
		hs_buf_add(out, "false", 5);
		return 0;
	case V_TRUE:
		hs_buf_add(out, "true", 4);
		return 0;
	case V_NUM:
		hs_jq_dump_num(v.u.num, out);
		return 0;
	case V_STR:
		hs_json_write_str(out, v.u.s, v.n);
		return 0;
	default:
		break;
	}
	if (depth >= MAX_DEPTH)
		return PUNT;
	if (v.k == V_ARR) {
		hs_buf_addc(out, '[');
		for (uint32_t i = 0; i < v.n; i++) {
			if (i)
				hs_buf_addc(out, ',');
			if (hs_jqn_print(x, v.u.a[i], out, depth + 1))
				return PUNT;
		}
		hs_buf_addc(out, ']');
		return 0;
	}
	hs_buf_addc(out, '{');
	for (uint32_t i = 0; i < v.u.o->n; i++) {
		if (i)
			hs_buf_addc(out, ',');
		hs_json_write_str(out, v.u.o->kv[2 * i].u.s,
		                  v.u.o->kv[2 * i].n);
		hs_buf_addc(out, ':');
		if (hs_jqn_print(x, v.u.o->kv[2 * i + 1], out, depth + 1))
			return PUNT;
	}
	hs_buf_addc(out, '}');
	return 0;
}

/* The compact JSON text of v as a string value (tojson). */
int hs_jqn_dump_val(struct ctx *x, struct val v, struct val *out)
{
	struct hs_buf b = HS_BUF_INIT;
	int r = hs_jqn_print(x, v, &b, 0);

	if (r == 0)
		*out = vstr(astrdup(x->ar, b.data ? b.data : "", b.len), b.len);
	hs_buf_release(&b);
	return r;
}

/* ---- equality and order, as jv_equal() and jv_cmp() ---- */

static int str_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	int r = memcmp(a, b, na < nb ? na : nb);

	return r ? r : (na > nb) - (na < nb);
}

static int cmp_keys(const void *pa, const void *pb)
{
	const struct val *a = pa, *b = pb;

	return str_cmp(a->u.s, a->n, b->u.s, b->n);
}

/* The keys of o, sorted as jv_keys() sorts them. */
struct val *hs_jqn_sorted_keys(struct ctx *x, const struct obj *o)
{
	struct val *k = aalloc(x->ar, (o->n + 1) * sizeof(*k));

	for (uint32_t i = 0; i < o->n; i++)
		k[i] = o->kv[2 * i];
	qsort(k, o->n, sizeof(*k), cmp_keys);
	return k;
}

/* *r gets <0, 0 or >0; returns PUNT when too deep. */
int hs_jqn_cmp(struct ctx *x, struct val a, struct val b, int *r, int depth)
{
	int ka = kind(x, a), kb = kind(x, b);
	const struct val *ia, *ib;
	const char *sa, *sb;
	size_t na, nb;

	*r = 0;
	if (ka != kb) {
		*r = ka - kb;
		return 0;
	}
	if (depth >= MAX_DEPTH)
		return PUNT;
	switch (ka) {
	case V_NUM: {
		double da = num(x, a), db = num(x, b);

		*r = da < db ? -1 : da == db ? 0 : 1;
		return 0;
	}
	case V_STR:
		str(x, a, &sa, &na);
		str(x, b, &sb, &nb);
		*r = str_cmp(sa, na, sb, nb);
		return 0;
	case V_ARR: {
		uint32_t la = arr(x, a, &ia), lb = arr(x, b, &ib);

		for (uint32_t i = 0; i < la && i < lb; i++) {
			if (hs_jqn_cmp(x, ia[i], ib[i], r, depth + 1))
				return PUNT;
			if (*r)
				return 0;
		}
		*r = (la > lb) - (la < lb);
		return 0;
	}
	case V_OBJ: {
		const struct obj *oa = hs_jqn_obj(x, a), *ob = hs_jqn_obj(x, b);
		struct val *ka_ = hs_jqn_sorted_keys(x, oa),
		           *kb_ = hs_jqn_sorted_keys(x, ob);

		for (uint32_t i = 0; i < oa->n && i < ob->n; i++) {
			*r =
			    str_cmp(ka_[i].u.s, ka_[i].n, kb_[i].u.s, kb_[i].n);
			if (*r)
				return 0;
		}
		*r = (oa->n > ob->n) - (oa->n < ob->n);
		if (*r)
			return 0;
		for (uint32_t i = 0; i < oa->n; i++) {
			long ja = hs_jqn_obj_find(oa, ka_[i].u.s, ka_[i].n);
			long jb = hs_jqn_obj_find(ob, ka_[i].u.s, ka_[i].n);

			if (hs_jqn_cmp(x, oa->kv[2 * ja + 1],
			               ob->kv[2 * jb + 1], r, depth + 1))
				return PUNT;
			if (*r)
				return 0;
		}
		return 0;
	}
	default:
		return 0;
	}
}

/* jv_equal(): *eq gets 1 or 0; PUNT when too deep. */
int hs_jqn_equal(struct ctx *x, struct val a, struct val b, int *eq, int depth)
{
	int ka = kind(x, a), r;

	if (ka != kind(x, b)) {
		*eq = 0;
		return 0;
	}
	if (ka == V_OBJ) {
		/* Same size and every key of a in b with an equal value. */
		const struct obj *oa = hs_jqn_obj(x, a), *ob = hs_jqn_obj(x, b);

		*eq = oa->n == ob->n;
		for (uint32_t i = 0; *eq && i < oa->n; i++) {
			long j = hs_jqn_obj_find(ob, oa->kv[2 * i].u.s,
			                         oa->kv[2 * i].n);

			if (j < 0) {
				*eq = 0;
				break;
			}
			if (depth >= MAX_DEPTH ||
			    hs_jqn_equal(x, oa->kv[2 * i + 1],
			                 ob->kv[2 * j + 1], eq, depth + 1))
				return PUNT;
		}
		return 0;
	}
	if (hs_jqn_cmp(x, a, b, &r, depth))
		return PUNT;
	*eq = r == 0;
	return 0;
}

/*
 * Would hs-transform write the input line for v?  The rule of run_jq():
 * v is the input itself, or hs_jq_same() matches it against node i (same
 * members in the same order, numbers as the same double bits).
 */
int hs_jqn_same(struct ctx *x, struct val v, uint32_t i, int depth)
{
	const struct hs_json_doc *d = x->d;
	const struct hs_json_node *nd = &d->nodes[i];
	const char *s, *t;
	size_t n, m;

	if (kind(x, v) != nd->type || depth >= MAX_DEPTH)
		return 0;
	switch (nd->type) {
	case HS_JSON_NUMBER: {
		double a = num(x, v), b = num(x, vtape(i));

		return memcmp(&a, &b, sizeof(a)) == 0;
	}
	case HS_JSON_STRING:
		str(x, v, &s, &n);
		str(x, vtape(i), &t, &m);
		return n == m && memcmp(s, t, n) == 0;
	case HS_JSON_ARRAY: {
		const struct val *items;
		uint32_t k = 0;

		if (arr(x, v, &items) != nd->count)
			return 0;
		HS_JSON_FOREACH_ELEM(d, i, e)
		if (!hs_jqn_same(x, items[k++], e, depth + 1))
			return 0;
		return 1;
	}
	case HS_JSON_OBJECT: {
		const struct obj *o = hs_jqn_obj(x, v);
		uint32_t k = 0;

		if (o->n != nd->count)
			return 0;
		HS_JSON_FOREACH_MEMBER(d, i, mb)
		{
			str(x, vtape(mb), &t, &m);
			if (!key_eq(o->kv[2 * k], t, m) ||
			    !hs_jqn_same(x, o->kv[2 * k + 1], mb + 1,
			                 depth + 1))
				return 0;
			k++;
		}
		return 1;
	}
	default:
		return 1;
	}
}
