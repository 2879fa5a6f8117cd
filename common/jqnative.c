/*
 * jqnative.c: the jq subset of jqnative.h, parsed into a small tree and
 * evaluated on the event's tape.
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
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "jqbridge.h"
#include "jqnative.h"
#include "json.h"
#include "banned.h"

#define PUNT HS_JQN_PUNT
/* Deeper values than this are left to libjq (the C stack is finite). */
#define MAX_DEPTH 256
/* Nodes and nesting of a program taken natively. */
#define MAX_NODES 2000
#define MAX_NEST 200

/* ---- arena ---- */

struct blk {
	struct blk *next;
	size_t cap, used;
	max_align_t data[];
};

struct arena {
	struct blk *head, *cur;
};

#define BLK_SIZE (64u << 10)

static void *aalloc(struct arena *a, size_t n)
{
	struct blk *b = a->cur, *nb;

	n = (n + 15) & ~(size_t)15;
	while (b && b->cap - b->used < n) {
		if (!b->next)
			break;
		b = b->next;
		b->used = 0;
	}
	if (!b || b->cap - b->used < n) {
		size_t cap = n > BLK_SIZE ? n : BLK_SIZE;

		nb = hs_xmalloc(sizeof(*nb) + cap);
		nb->next = NULL;
		nb->cap = cap;
		nb->used = 0;
		if (b)
			b->next = nb;
		else
			a->head = nb;
		b = nb;
	}
	a->cur = b;
	b->used += n;
	return (char *)b->data + b->used - n;
}

static void arena_reset(struct arena *a)
{
	a->cur = a->head;
	if (a->head)
		a->head->used = 0;
}

static void arena_free(struct arena *a)
{
	struct blk *b = a->head, *next;

	for (; b; b = next) {
		next = b->next;
		free(b);
	}
	a->head = a->cur = NULL;
}

static char *astrdup(struct arena *a, const char *s, size_t n)
{
	char *p = aalloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* ---- values ---- */

/* The order is jv_cmp()'s order of kinds, and json.h's node types. */
enum vkind { V_NULL, V_FALSE, V_TRUE, V_NUM, V_STR, V_ARR, V_OBJ, V_TAPE };

struct obj;
struct val {
	uint32_t k; /* enum vkind */
	uint32_t n; /* V_STR bytes, V_ARR elements, V_TAPE node */
	union {
		double num;
		const char *s;
		const struct val *a;
		const struct obj *o;
	} u;
};

/* An object: unique keys (V_STR) in insertion order, kv[2i], kv[2i+1]. */
struct obj {
	uint32_t n, cap;
	struct val *kv;
	uint32_t *ht; /* index + 1 of each key, or 0; built past HT_MIN */
	uint32_t hcap;
};
#define HT_MIN 16

struct ctx {
	const struct hs_json_doc *d;
	struct arena *ar;
	struct hs_buf *tmp;
};

static const struct val v_null = {V_NULL, 0, {0}};
static const struct val v_true = {V_TRUE, 0, {0}};
static const struct val v_false = {V_FALSE, 0, {0}};

static struct val vbool(int b)
{
	return b ? v_true : v_false;
}

static struct val vnum(double d)
{
	struct val v = {V_NUM, 0, {0}};

	v.u.num = d;
	return v;
}

static struct val vstr(const char *s, size_t n)
{
	struct val v = {V_STR, (uint32_t)n, {0}};

	v.u.s = s;
	return v;
}

static struct val vtape(uint32_t node)
{
	struct val v = {V_TAPE, node, {0}};

	return v;
}

static int kind(const struct ctx *x, struct val v)
{
	return v.k == V_TAPE ? (int)x->d->nodes[v.n].type : (int)v.k;
}

static int truthy(const struct ctx *x, struct val v)
{
	int k = kind(x, v);

	return k != V_NULL && k != V_FALSE;
}

static double num(const struct ctx *x, struct val v)
{
	if (v.k == V_TAPE)
		return hs_jq_num(hs_json_raw(x->d, v.n), x->d->nodes[v.n].len);
	return v.u.num;
}

/* The bytes of a string value (tape strings decoded into the arena). */
static void str(struct ctx *x, struct val v, const char **s, size_t *n)
{
	if (v.k != V_TAPE) {
		*s = v.u.s;
		*n = v.n;
		return;
	}
	if (hs_json_str_plain(x->d, v.n, s, n))
		return;
	hs_buf_reset(x->tmp);
	hs_json_str_decode(x->d, v.n, x->tmp);
	*s = astrdup(x->ar, x->tmp->data, x->tmp->len);
	*n = x->tmp->len;
}

static struct val resolve_str(struct ctx *x, struct val v)
{
	const char *s;
	size_t n;

	str(x, v, &s, &n);
	return vstr(s, n);
}

/* Elements of an array value; tape elements stay lazy. */
static uint32_t arr(struct ctx *x, struct val v, const struct val **items)
{
	const struct hs_json_doc *d = x->d;
	struct val *it;
	uint32_t i = 0;

	if (v.k != V_TAPE) {
		*items = v.u.a;
		return v.n;
	}
	it = aalloc(x->ar, (d->nodes[v.n].count + 1) * sizeof(*it));
	HS_JSON_FOREACH_ELEM(d, v.n, e)
	it[i++] = vtape(e);
	*items = it;
	return i;
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
static long obj_find(const struct obj *o, const char *s, size_t n)
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

static struct obj *obj_new(struct ctx *x, uint32_t cap)
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
static void obj_set(struct ctx *x, struct obj *o, struct val key, struct val v)
{
	long i = obj_find(o, key.u.s, key.n);

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
static const struct obj *obj(struct ctx *x, struct val v)
{
	const struct hs_json_doc *d = x->d;
	struct obj *o;

	if (v.k != V_TAPE)
		return v.u.o;
	o = obj_new(x, d->nodes[v.n].count);
	HS_JSON_FOREACH_MEMBER(d, v.n, m)
	obj_set(x, o, resolve_str(x, vtape(m)), vtape(m + 1));
	return o;
}

static struct val vobj(const struct obj *o)
{
	struct val v = {V_OBJ, 0, {0}};

	v.u.o = o;
	return v;
}

static struct val varr(const struct val *a, uint32_t n)
{
	struct val v = {V_ARR, n, {0}};

	v.u.a = a;
	return v;
}

/* ---- printing, as jq -c ---- */

/* A tape string libjq would print exactly as it is spelled. */
static int plain_printable(const struct hs_json_doc *d, uint32_t i)
{
	return !(d->nodes[i].flags & HS_JSON_F_ESCAPED) &&
	       !memchr(hs_json_raw(d, i), 0x7f, d->nodes[i].len);
}

static int print(struct ctx *x, struct val v, struct hs_buf *out, int depth);

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
		return print(x, vobj(obj(x, vtape(i))), out, depth);
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

static int print(struct ctx *x, struct val v, struct hs_buf *out, int depth)
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
			if (print(x, v.u.a[i], out, depth + 1))
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
		if (print(x, v.u.o->kv[2 * i + 1], out, depth + 1))
			return PUNT;
	}
	hs_buf_addc(out, '}');
	return 0;
}

/* The compact JSON text of v as a string value (tojson). */
static int dump_val(struct ctx *x, struct val v, struct val *out)
{
	struct hs_buf b = HS_BUF_INIT;
	int r = print(x, v, &b, 0);

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
static struct val *sorted_keys(struct ctx *x, const struct obj *o)
{
	struct val *k = aalloc(x->ar, (o->n + 1) * sizeof(*k));

	for (uint32_t i = 0; i < o->n; i++)
		k[i] = o->kv[2 * i];
	qsort(k, o->n, sizeof(*k), cmp_keys);
	return k;
}

/* *r gets <0, 0 or >0; returns PUNT when too deep. */
static int cmp(struct ctx *x, struct val a, struct val b, int *r, int depth)
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
			if (cmp(x, ia[i], ib[i], r, depth + 1))
				return PUNT;
			if (*r)
				return 0;
		}
		*r = (la > lb) - (la < lb);
		return 0;
	}
	case V_OBJ: {
		const struct obj *oa = obj(x, a), *ob = obj(x, b);
		struct val *ka_ = sorted_keys(x, oa), *kb_ = sorted_keys(x, ob);

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
			long ja = obj_find(oa, ka_[i].u.s, ka_[i].n);
			long jb = obj_find(ob, ka_[i].u.s, ka_[i].n);

			if (cmp(x, oa->kv[2 * ja + 1], ob->kv[2 * jb + 1], r,
			        depth + 1))
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
static int equal(struct ctx *x, struct val a, struct val b, int *eq, int depth)
{
	int ka = kind(x, a), r;

	if (ka != kind(x, b)) {
		*eq = 0;
		return 0;
	}
	if (ka == V_OBJ) {
		/* Same size and every key of a in b with an equal value. */
		const struct obj *oa = obj(x, a), *ob = obj(x, b);

		*eq = oa->n == ob->n;
		for (uint32_t i = 0; *eq && i < oa->n; i++) {
			long j =
			    obj_find(ob, oa->kv[2 * i].u.s, oa->kv[2 * i].n);

			if (j < 0) {
				*eq = 0;
				break;
			}
			if (depth >= MAX_DEPTH ||
			    equal(x, oa->kv[2 * i + 1], ob->kv[2 * j + 1], eq,
			          depth + 1))
				return PUNT;
		}
		return 0;
	}
	if (cmp(x, a, b, &r, depth))
		return PUNT;
	*eq = r == 0;
	return 0;
}

/*
 * Would hs-transform write the input line for v?  The rule of run_jq():
 * v is the input itself, or hs_jq_same() matches it against node i (same
 * members in the same order, numbers as the same double bits).
 */
static int same(struct ctx *x, struct val v, uint32_t i, int depth)
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
		if (!same(x, items[k++], e, depth + 1))
			return 0;
		return 1;
	}
	case HS_JSON_OBJECT: {
		const struct obj *o = obj(x, v);
		uint32_t k = 0;

		if (o->n != nd->count)
			return 0;
		HS_JSON_FOREACH_MEMBER(d, i, mb)
		{
			str(x, vtape(mb), &t, &m);
			if (!key_eq(o->kv[2 * k], t, m) ||
			    !same(x, o->kv[2 * k + 1], mb + 1, depth + 1))
				return 0;
			k++;
		}
		return 1;
	}
	default:
		return 1;
	}
}

/* ---- the program tree ---- */

enum op {
	O_ID,
	O_LIT,
	O_INDEX, /* a[b] */
	O_ITER,  /* a[] */
	O_PIPE,
	O_COMMA,
	O_ALT,
	O_AND,
	O_OR,
	O_BIN,
	O_NEG,
	O_IF, /* if a then b else c */
	O_ARR,
	O_OBJ,
	O_CALL
};

enum binop {
	B_ADD,
	B_SUB,
	B_MUL,
	B_DIV,
	B_MOD,
	B_EQ,
	B_NE,
	B_LT,
	B_LE,
	B_GT,
	B_GE
};

enum builtin {
	F_LENGTH,
	F_UTF8LEN,
	F_DOWN,
	F_UP,
	F_ADD,
	F_TOSTRING,
	F_TOJSON,
	F_TONUMBER,
	F_KEYS,
	F_KEYS_UNSORTED,
	F_TYPE,
	F_EMPTY,
	F_NOT,
	F_VALUES,
	/* one argument */
	F_SELECT,
	F_MAP,
	F_HAS,
	F_STARTSWITH,
	F_ENDSWITH,
	F_LTRIMSTR,
	F_RTRIMSTR,
	F_JOIN
};

static const struct {
	const char *name;
	int arity;
	enum builtin f;
} builtins[] = {
    {"length", 0, F_LENGTH},
    {"utf8bytelength", 0, F_UTF8LEN},
    {"ascii_downcase", 0, F_DOWN},
    {"ascii_upcase", 0, F_UP},
    {"add", 0, F_ADD},
    {"tostring", 0, F_TOSTRING},
    {"tojson", 0, F_TOJSON},
    {"tonumber", 0, F_TONUMBER},
    {"keys", 0, F_KEYS},
    {"keys_unsorted", 0, F_KEYS_UNSORTED},
    {"type", 0, F_TYPE},
    {"empty", 0, F_EMPTY},
    {"not", 0, F_NOT},
    {"values", 0, F_VALUES},
    {"select", 1, F_SELECT},
    {"map", 1, F_MAP},
    {"has", 1, F_HAS},
    {"startswith", 1, F_STARTSWITH},
    {"endswith", 1, F_ENDSWITH},
    {"ltrimstr", 1, F_LTRIMSTR},
    {"rtrimstr", 1, F_RTRIMSTR},
    {"join", 1, F_JOIN},
};

struct node {
	enum op op;
	int opt; /* O_INDEX, O_ITER: the '?' form */
	int fn;  /* O_BIN: enum binop; O_CALL: enum builtin */
	struct node *a, *b, *c;
	struct val lit;
	struct pair {
		struct node *k, *v;
	} * pairs;
	uint32_t npairs;
};

struct hs_jqn {
	struct arena ar; /* the tree, its literals and argument values */
	struct node *root;
};

struct hs_jqn_state {
	struct arena ar;
	struct hs_buf tmp, out;
};

/* ---- lexer ---- */

enum tok {
	T_EOF,
	T_DOT,
	T_FIELD,
	T_NUM,
	T_STR,
	T_IDENT,
	T_KEYWORD,
	T_VAR,
	T_PIPE,
	T_COMMA,
	T_ALT,
	T_EQ,
	T_NE,
	T_LT,
	T_LE,
	T_GT,
	T_GE,
	T_PLUS,
	T_MINUS,
	T_STAR,
	T_SLASH,
	T_PERCENT,
	T_LPAREN,
	T_RPAREN,
	T_LBRACK,
	T_RBRACK,
	T_LBRACE,
	T_RBRACE,
	T_COLON,
	T_QUESTION
};

struct token {
	enum tok t;
	const char *s; /* T_FIELD, T_IDENT, T_KEYWORD, T_VAR: name; T_STR */
	size_t n;
	double num;
	size_t pos;
};

struct parser {
	struct hs_jqn *p;
	jv args;
	struct token *toks;
	size_t ntok, cap, at;
	char *err;
	size_t errlen;
	int failed;
	int depth;
	unsigned nodes;
};

static const char *const keywords[] = {
    "as",   "import", "include", "module", "def",     "if",     "then",
    "else", "elif",   "and",     "or",     "end",     "reduce", "foreach",
    "try",  "catch",  "label",   "break",  "__loc__", NULL};

static void fail(struct parser *ps, size_t pos, const char *what)
{
	if (!ps->failed)
		snprintf(ps->err, ps->errlen, "%s at byte %zu", what, pos + 1);
	ps->failed = 1;
}

static int ident_start(int c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int ident_char(int c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Length of flex's [0-9.]+([eE][+-]?[0-9]+)? at p (0: no match). */
static size_t num_len(const char *p)
{
	size_t n = 0, e;

	while (is_digit((unsigned char)p[n]) || p[n] == '.')
		n++;
	if (!n || (p[n] != 'e' && p[n] != 'E'))
		return n;
	e = n + 1;
	if (p[e] == '+' || p[e] == '-')
		e++;
	if (!is_digit((unsigned char)p[e]))
		return n;
	while (is_digit((unsigned char)p[e]))
		e++;
	return e;
}

/* A JSON number without its sign: [0-9]+(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int strict_number(const char *p, size_t n, int leading_zeros)
{
	size_t i = 0;

	if (i < n && p[i] == '0' && !leading_zeros && i + 1 < n &&
	    is_digit((unsigned char)p[i + 1]))
		return 0;
	if (i >= n || !is_digit((unsigned char)p[i]))
		return 0;
	while (i < n && is_digit((unsigned char)p[i]))
		i++;
	if (i < n && p[i] == '.') {
		if (++i >= n || !is_digit((unsigned char)p[i]))
			return 0;
		while (i < n && is_digit((unsigned char)p[i]))
			i++;
	}
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		if (++i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		if (i >= n || !is_digit((unsigned char)p[i]))
			return 0;
		while (i < n && is_digit((unsigned char)p[i]))
			i++;
	}
	return i == n;
}

/*
 * A string literal from just past its opening quote, built the way jq
 * 1.6's lexer builds it: runs of escapes through jv_parse(), other text
 * through jv_string_sized().  Returns past the closing quote, or NULL
 * (interpolation, or anything odd).
 */
static const char *lex_string(struct parser *ps, const char *p, struct token *t)
{
	jv acc = jv_string("");

	for (;;) {
		const char *q = p;
		jv piece;

		if (*p == '"')
			break;
		if (*p == '\0')
			goto bad;
		if (*p == '\\') {
			while (*q == '\\') {
				if (q[1] == '(' || q[1] == '\0')
					break;
				if (q[1] == 'u') {
					int k = 0;

					q += 2;
					while (k < 4 &&
					       (ident_char((unsigned char)*q) &&
					        *q != '_')) {
						q++;
						k++;
					}
				} else {
					q += 2;
				}
			}
			if (q == p)
				goto bad; /* \( or a lone backslash */
			{
				jv text =
				    jv_string_fmt("\"%.*s\"", (int)(q - p), p);

				piece = jv_parse_sized(
				    jv_string_value(text),
				    jv_string_length_bytes(jv_copy(text)));
				jv_free(text);
			}
			if (jv_get_kind(piece) != JV_KIND_STRING) {
				jv_free(piece);
				goto bad;
			}
		} else {
			while (*q && *q != '"' && *q != '\\')
				q++;
			piece = jv_string_sized(p, (int)(q - p));
		}
		acc = jv_string_concat(acc, piece);
		p = q;
	}
	t->n = (size_t)jv_string_length_bytes(jv_copy(acc));
	t->s = astrdup(&ps->p->ar, jv_string_value(acc), t->n);
	jv_free(acc);
	return p + 1;
bad:
	jv_free(acc);
	return NULL;
}

static int lex(struct parser *ps, const char *prog)
{
	const char *p = prog;

	for (;;) {
		struct token t;
		size_t n;

		memset(&t, 0, sizeof(t));
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '#') {
			if (*p == '#')
				while (*p && *p != '\n' && *p != '\r')
					p++;
			else
				p++;
		}
		t.pos = (size_t)(p - prog);
		if (*p == '\0') {
			t.t = T_EOF;
		} else if (*p == '.' || is_digit((unsigned char)*p)) {
			size_t ln = num_len(p), lf = 0;

			if (*p == '.' && ident_start((unsigned char)p[1]))
				for (lf = 2; ident_char((unsigned char)p[lf]);
				     lf++)
					;
			if (*p == '.' && p[1] == '.' && ln <= 2) {
				fail(ps, t.pos, "'..' is not supported");
				return -1;
			}
			if (lf > ln) {
				t.t = T_FIELD;
				t.s = p + 1;
				t.n = lf - 1;
				n = lf;
			} else if (ln >= 2 || is_digit((unsigned char)*p)) {
				if (!strict_number(p, ln, 1)) {
					fail(ps, t.pos,
					     "unusual number literal");
					return -1;
				}
				t.t = T_NUM;
				t.num = hs_jq_num(p, ln);
				n = ln;
			} else {
				t.t = T_DOT;
				n = 1;
			}
			p += n;
		} else if (*p == '"') {
			t.t = T_STR;
			if (!(p = lex_string(ps, p + 1, &t))) {
				fail(ps, t.pos, "unsupported string literal");
				return -1;
			}
		} else if (ident_start((unsigned char)*p) || *p == '$') {
			const char *s = p + (*p == '$');

			for (n = 0; ident_char((unsigned char)s[n]); n++)
				;
			if (!n || (s[n] == ':' && s[n + 1] == ':')) {
				fail(ps, t.pos, "unsupported name");
				return -1;
			}
			t.t = *p == '$' ? T_VAR : T_IDENT;
			t.s = s;
			t.n = n;
			for (int k = 0; keywords[k] && t.t == T_IDENT; k++)
				if (strlen(keywords[k]) == n &&
				    memcmp(keywords[k], s, n) == 0)
					t.t = T_KEYWORD;
			p = s + n;
		} else {
			static const struct {
				const char *s;
				enum tok t;
			} ops[] = {
			    {"//", T_ALT},    {"==", T_EQ},     {"!=", T_NE},
			    {"<=", T_LE},     {">=", T_GE},     {"|", T_PIPE},
			    {",", T_COMMA},   {"<", T_LT},      {">", T_GT},
			    {"+", T_PLUS},    {"-", T_MINUS},   {"*", T_STAR},
			    {"/", T_SLASH},   {"%", T_PERCENT}, {"(", T_LPAREN},
			    {")", T_RPAREN},  {"[", T_LBRACK},  {"]", T_RBRACK},
			    {"{", T_LBRACE},  {"}", T_RBRACE},  {":", T_COLON},
			    {"?", T_QUESTION}};
			size_t k;

			/* Assignments and ?// start like these: refuse them. */
			if ((p[0] == '/' && p[1] == '/' && p[2] == '=') ||
			    (p[0] == '?' && p[1] == '/' && p[2] == '/') ||
			    (strchr("|+-*/%", p[0]) && p[1] == '=') ||
			    (p[0] == '=' && p[1] != '=')) {
				fail(ps, t.pos, "assignment is not supported");
				return -1;
			}
			for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
				if (strncmp(p, ops[k].s, strlen(ops[k].s)) == 0)
					break;
			if (k == sizeof(ops) / sizeof(ops[0])) {
				fail(ps, t.pos, "unsupported character");
				return -1;
			}
			t.t = ops[k].t;
			p += strlen(ops[k].s);
		}
		ps->toks = hs_xgrow(ps->toks, sizeof(*ps->toks), ps->ntok + 1,
		                    &ps->cap);
		ps->toks[ps->ntok++] = t;
		if (t.t == T_EOF)
			return 0;
	}
}

/* ---- parser: jq 1.6's grammar and precedence, for the subset ---- */

static struct token *peek(struct parser *ps)
{
	return &ps->toks[ps->at];
}

static struct token *next(struct parser *ps)
{
	struct token *t = &ps->toks[ps->at];

	if (t->t != T_EOF)
		ps->at++;
	return t;
}

static int accept(struct parser *ps, enum tok t)
{
	if (peek(ps)->t != t)
		return 0;
	next(ps);
	return 1;
}

static int expect(struct parser *ps, enum tok t, const char *what)
{
	if (accept(ps, t))
		return 0;
	fail(ps, peek(ps)->pos, what);
	return -1;
}

static int is_keyword(const struct token *t, const char *kw)
{
	return t->t == T_KEYWORD && strlen(kw) == t->n &&
	       memcmp(t->s, kw, t->n) == 0;
}

static struct node *mk(struct parser *ps, enum op op, struct node *a,
                       struct node *b)
{
	struct node *n = aalloc(&ps->p->ar, sizeof(*n));

	/* Evaluation recurses along the tree: keep it a size the C stack
	 * of any thread holds.  Real programs are far smaller. */
	if (++ps->nodes > MAX_NODES)
		fail(ps, peek(ps)->pos, "program too large");

	memset(n, 0, sizeof(*n));
	n->op = op;
	n->a = a;
	n->b = b;
	return n;
}

static struct node *lit(struct parser *ps, struct val v)
{
	struct node *n = mk(ps, O_LIT, NULL, NULL);

	n->lit = v;
	return n;
}

static struct node *lit_str(struct parser *ps, const char *s, size_t len)
{
	return lit(ps, vstr(astrdup(&ps->p->ar, s, len), len));
}

/* A libjq value (not consumed) as a value in the program's arena. */
static int from_jv(struct parser *ps, jv v, struct val *out, int depth)
{
	struct ctx x = {NULL, &ps->p->ar, NULL};

	if (depth >= MAX_DEPTH)
		return -1;
	switch (jv_get_kind(v)) {
	case JV_KIND_NULL:
		*out = v_null;
		return 0;
	case JV_KIND_FALSE:
		*out = v_false;
		return 0;
	case JV_KIND_TRUE:
		*out = v_true;
		return 0;
	case JV_KIND_NUMBER:
		*out = vnum(jv_number_value(v));
		return isnan(out->u.num) ? -1 : 0;
	case JV_KIND_STRING: {
		size_t n = (size_t)jv_string_length_bytes(jv_copy(v));

		*out = vstr(astrdup(&ps->p->ar, jv_string_value(v), n), n);
		return 0;
	}
	case JV_KIND_ARRAY: {
		int n = jv_array_length(jv_copy(v));
		struct val *items =
		    aalloc(&ps->p->ar, (size_t)(n + 1) * sizeof(*items));

		for (int i = 0; i < n; i++) {
			jv el = jv_array_get(jv_copy(v), i);
			int r = from_jv(ps, el, &items[i], depth + 1);

			jv_free(el);
			if (r)
				return -1;
		}
		*out = varr(items, (uint32_t)n);
		return 0;
	}
	case JV_KIND_OBJECT: {
		struct obj *o =
		    obj_new(&x, (uint32_t)jv_object_length(jv_copy(v)));
		int r = 0;

		jv_object_foreach(v, k, el)
		{
			struct val kv, vv = v_null;

			if (!r)
				r = from_jv(ps, k, &kv, depth + 1) ||
				    from_jv(ps, el, &vv, depth + 1);
			if (!r)
				obj_set(&x, o, kv, vv);
			jv_free(k);
			jv_free(el);
		}
		*out = vobj(o);
		return r ? -1 : 0;
	}
	default:
		return -1;
	}
}

static struct node *parse_pipe(struct parser *ps);
static struct node *parse_postfix(struct parser *ps);

/* Every recursive rule goes through here: libjq's parser has no stack
 * to overflow, ours has. */
static int deeper(struct parser *ps)
{
	if (++ps->depth <= MAX_NEST)
		return 0;
	fail(ps, peek(ps)->pos, "too deeply nested");
	return -1;
}

/* inner(ps) one nesting level deeper (bounded by MAX_NEST). */
static struct node *nested(struct parser *ps,
                           struct node *(*inner)(struct parser *))
{
	struct node *n;

	if (deeper(ps))
		return NULL;
	n = inner(ps);
	ps->depth--;
	return n;
}

static struct node *parse_var(struct parser *ps, const struct token *t)
{
	char name[256];
	struct val v;
	jv got;
	int r;

	if (t->n >= sizeof(name) ||
	    (t->n == 3 && memcmp(t->s, "ENV", 3) == 0) ||
	    jv_get_kind(ps->args) != JV_KIND_OBJECT) {
		fail(ps, t->pos, "unsupported variable");
		return NULL;
	}
	memcpy(name, t->s, t->n);
	name[t->n] = '\0';
	got = jv_object_get(jv_copy(ps->args), jv_string(name));
	if (!jv_is_valid(got)) {
		jv_free(got);
		fail(ps, t->pos, "unsupported variable");
		return NULL;
	}
	r = from_jv(ps, got, &v, 0);
	jv_free(got);
	if (r) {
		fail(ps, t->pos, "unsupported variable value");
		return NULL;
	}
	return lit(ps, v);
}

static struct node *parse_call(struct parser *ps, const struct token *t)
{
	struct node *n, *arg = NULL;
	size_t k;

	if ((t->n == 4 && memcmp(t->s, "true", 4) == 0) ||
	    (t->n == 5 && memcmp(t->s, "false", 5) == 0) ||
	    (t->n == 4 && memcmp(t->s, "null", 4) == 0))
		return lit(ps, t->s[0] == 't'   ? v_true
		               : t->s[0] == 'f' ? v_false
		                                : v_null);
	if (peek(ps)->t == T_LPAREN) {
		next(ps);
		arg = parse_pipe(ps);
		if (!arg || expect(ps, T_RPAREN,
		                   "only one-argument calls are "
		                   "supported"))
			return NULL;
	}
	/* first and last are .[0] and .[-1] in jq 1.6. */
	if (!arg && ((t->n == 5 && memcmp(t->s, "first", 5) == 0) ||
	             (t->n == 4 && memcmp(t->s, "last", 4) == 0))) {
		n = mk(ps, O_INDEX, mk(ps, O_ID, NULL, NULL),
		       lit(ps, vnum(t->s[0] == 'f' ? 0 : -1)));
		return n;
	}
	for (k = 0; k < sizeof(builtins) / sizeof(builtins[0]); k++)
		if (strlen(builtins[k].name) == t->n &&
		    memcmp(builtins[k].name, t->s, t->n) == 0 &&
		    builtins[k].arity == (arg != NULL))
			break;
	if (k == sizeof(builtins) / sizeof(builtins[0])) {
		fail(ps, t->pos, "unsupported function");
		return NULL;
	}
	n = mk(ps, O_CALL, arg, NULL);
	n->fn = builtins[k].f;
	return n;
}

static struct node *expd(struct parser *ps);

/* ExpD of an object value: ['-'] Term ('|' ExpD)? */
static struct node *parse_expd(struct parser *ps)
{
	return nested(ps, expd);
}

static struct node *expd(struct parser *ps)
{
	struct node *n;
	int neg = accept(ps, T_MINUS);

	if (neg) {
		n = parse_expd(ps);
		if (!n)
			return NULL;
		/* '-' binds tighter than '|': -a|b is (-a)|b */
		if (n->op == O_PIPE) {
			n->a = mk(ps, O_NEG, n->a, NULL);
			return n;
		}
		return mk(ps, O_NEG, n, NULL);
	}
	n = parse_postfix(ps);
	if (n && accept(ps, T_PIPE)) {
		struct node *b = parse_expd(ps);

		return b ? mk(ps, O_PIPE, n, b) : NULL;
	}
	return n;
}

static struct node *parse_object(struct parser *ps)
{
	struct pair *pairs = NULL;
	size_t np = 0, cap = 0;
	struct node *n;

	if (!accept(ps, T_RBRACE)) {
		do {
			struct token *t = next(ps);
			struct node *k = NULL, *v = NULL;

			if ((t->t == T_IDENT || t->t == T_KEYWORD) &&
			    accept(ps, T_COLON)) {
				k = lit_str(ps, t->s, t->n);
				v = parse_expd(ps);
			} else if (t->t == T_IDENT) {
				k = lit_str(ps, t->s, t->n);
				v = mk(ps, O_INDEX, mk(ps, O_ID, NULL, NULL),
				       k);
			} else if (t->t == T_VAR) {
				k = lit_str(ps, t->s, t->n);
				v = parse_var(ps, t);
			} else if (t->t == T_STR) {
				k = lit(ps, vstr(t->s, t->n));
				if (accept(ps, T_COLON))
					v = parse_expd(ps);
				else
					v = mk(ps, O_INDEX,
					       mk(ps, O_ID, NULL, NULL), k);
			} else if (t->t == T_LPAREN) {
				k = parse_pipe(ps);
				if (!k ||
				    expect(ps, T_RPAREN, "expected ')'") ||
				    expect(ps, T_COLON, "expected ':'"))
					break;
				v = parse_expd(ps);
			} else {
				fail(ps, t->pos, "unsupported object key");
			}
			if (!k || !v)
				break;
			pairs = hs_xgrow(pairs, sizeof(*pairs), np + 1, &cap);
			pairs[np].k = k;
			pairs[np].v = v;
			np++;
		} while (accept(ps, T_COMMA));
		if (!ps->failed)
			expect(ps, T_RBRACE, "expected '}'");
	}
	if (ps->failed) {
		free(pairs);
		return NULL;
	}
	n = mk(ps, O_OBJ, NULL, NULL);
	n->npairs = (uint32_t)np;
	n->pairs = aalloc(&ps->p->ar, (np + 1) * sizeof(*pairs));
	if (np)
		memcpy(n->pairs, pairs, np * sizeof(*pairs));
	free(pairs);
	return n;
}

static struct node *if_rest(struct parser *ps);

static struct node *parse_if(struct parser *ps)
{
	return nested(ps, if_rest);
}

static struct node *if_rest(struct parser *ps)
{
	struct node *c, *a, *b, *n;

	c = parse_pipe(ps);
	if (!c || !is_keyword(next(ps), "then"))
		return fail(ps, peek(ps)->pos, "expected 'then'"), NULL;
	a = parse_pipe(ps);
	if (!a)
		return NULL;
	if (is_keyword(peek(ps), "elif")) {
		next(ps);
		b = parse_if(ps);
	} else if (is_keyword(peek(ps), "else")) {
		next(ps);
		b = parse_pipe(ps);
		if (b && !is_keyword(next(ps), "end"))
			return fail(ps, peek(ps)->pos, "expected 'end'"), NULL;
	} else {
		return fail(ps, peek(ps)->pos, "expected 'else'"), NULL;
	}
	if (!b)
		return NULL;
	n = mk(ps, O_IF, c, a);
	n->c = b;
	return n;
}

static struct node *parse_primary(struct parser *ps)
{
	struct token *t = next(ps);
	struct node *n;

	switch (t->t) {
	case T_DOT:
		if (peek(ps)->t == T_STR) {
			t = next(ps);
			n = mk(ps, O_INDEX, mk(ps, O_ID, NULL, NULL),
			       lit(ps, vstr(t->s, t->n)));
			n->opt = accept(ps, T_QUESTION);
			return n;
		}
		return mk(ps, O_ID, NULL, NULL);
	case T_FIELD:
		n = mk(ps, O_INDEX, mk(ps, O_ID, NULL, NULL),
		       lit_str(ps, t->s, t->n));
		n->opt = accept(ps, T_QUESTION);
		return n;
	case T_NUM:
		return lit(ps, vnum(t->num));
	case T_STR:
		return lit(ps, vstr(t->s, t->n));
	case T_LPAREN:
		n = parse_pipe(ps);
		if (!n || expect(ps, T_RPAREN, "expected ')'"))
			return NULL;
		return n;
	case T_LBRACK:
		if (accept(ps, T_RBRACK))
			return lit(ps, varr(NULL, 0));
		n = parse_pipe(ps);
		if (!n || expect(ps, T_RBRACK, "expected ']'"))
			return NULL;
		return mk(ps, O_ARR, n, NULL);
	case T_LBRACE:
		return parse_object(ps);
	case T_VAR:
		return parse_var(ps, t);
	case T_IDENT:
		return parse_call(ps, t);
	case T_KEYWORD:
		if (is_keyword(t, "if"))
			return parse_if(ps);
		fail(ps, t->pos, "unsupported keyword");
		return NULL;
	default:
		fail(ps, t->pos, "unsupported syntax");
		return NULL;
	}
}

static struct node *parse_postfix(struct parser *ps)
{
	struct node *n;

	if (deeper(ps))
		return NULL;
	n = parse_primary(ps);
	while (n) {
		struct token *t = peek(ps);

		if (t->t == T_FIELD) {
			next(ps);
			n = mk(ps, O_INDEX, n, lit_str(ps, t->s, t->n));
		} else if (t->t == T_DOT && ps->toks[ps->at + 1].t == T_STR) {
			next(ps);
			t = next(ps);
			n = mk(ps, O_INDEX, n, lit(ps, vstr(t->s, t->n)));
		} else if (t->t == T_LBRACK) {
			next(ps);
			if (accept(ps, T_RBRACK)) {
				n = mk(ps, O_ITER, n, NULL);
			} else {
				struct node *k = parse_pipe(ps);

				if (!k || expect(ps, T_RBRACK,
				                 "slices are not supported"))
					return NULL;
				n = mk(ps, O_INDEX, n, k);
			}
		} else {
			break;
		}
		n->opt = accept(ps, T_QUESTION);
	}
	ps->depth--;
	return n;
}

static struct node *parse_binary(struct parser *ps, int level);

static struct node *unary(struct parser *ps);

static struct node *parse_unary(struct parser *ps)
{
	return nested(ps, unary);
}

static struct node *unary(struct parser *ps)
{
	if (accept(ps, T_MINUS)) {
		/* '-' Exp takes '-''s precedence: only * / % bind tighter. */
		struct node *a = parse_binary(ps, 5);

		return a ? mk(ps, O_NEG, a, NULL) : NULL;
	}
	if (is_keyword(peek(ps), "if")) {
		next(ps);
		return parse_if(ps);
	}
	return parse_postfix(ps);
}

/*
 * Levels, loosest first: 0 '//' (right), 1 or, 2 and, 3 comparisons
 * (non-associative), 4 + -, 5 * / %; 6 is a unary operand.
 */
static int binop_of(const struct token *t, int level, int *fn)
{
	switch (level) {
	case 3:
		switch (t->t) {
		case T_EQ:
			return *fn = B_EQ, 1;
		case T_NE:
			return *fn = B_NE, 1;
		case T_LT:
			return *fn = B_LT, 1;
		case T_LE:
			return *fn = B_LE, 1;
		case T_GT:
			return *fn = B_GT, 1;
		case T_GE:
			return *fn = B_GE, 1;
		default:
			return 0;
		}
	case 4:
		if (t->t == T_PLUS || t->t == T_MINUS)
			return *fn = t->t == T_PLUS ? B_ADD : B_SUB, 1;
		return 0;
	case 5:
		if (t->t == T_STAR)
			return *fn = B_MUL, 1;
		if (t->t == T_SLASH)
			return *fn = B_DIV, 1;
		if (t->t == T_PERCENT)
			return *fn = B_MOD, 1;
		return 0;
	default:
		return 0;
	}
}

static struct node *parse_binary(struct parser *ps, int level)
{
	struct node *a, *b;
	int fn = 0;

	if (level >= 6)
		return parse_unary(ps);
	a = parse_binary(ps, level + 1);
	if (!a)
		return NULL;
	if (level == 0) {
		if (!accept(ps, T_ALT))
			return a;
		b = parse_binary(ps, 0);
		return b ? mk(ps, O_ALT, a, b) : NULL;
	}
	for (;;) {
		const struct token *t = peek(ps);
		enum op op = O_BIN;

		if (level == 1 && is_keyword(t, "or"))
			op = O_OR;
		else if (level == 2 && is_keyword(t, "and"))
			op = O_AND;
		else if (level < 3 || !binop_of(t, level, &fn))
			return a;
		next(ps);
		b = parse_binary(ps, level + 1);
		if (!b)
			return NULL;
		/* libjq folds constant operands at compile time, dividing
		 * by zero without an error: leave all of that to libjq. */
		if (op == O_BIN && a->op == O_LIT && b->op == O_LIT) {
			fail(ps, t->pos, "constant operands");
			return NULL;
		}
		a = mk(ps, op, a, b);
		a->fn = fn;
		if (level == 3)
			return a;
	}
}

static struct node *parse_pipe(struct parser *ps)
{
	struct node *a, *b;

	if (deeper(ps))
		return NULL;
	a = parse_binary(ps, 0);
	while (a && accept(ps, T_COMMA)) {
		b = parse_binary(ps, 0);
		a = b ? mk(ps, O_COMMA, a, b) : NULL;
	}
	if (a && accept(ps, T_PIPE)) {
		b = parse_pipe(ps);
		a = b ? mk(ps, O_PIPE, a, b) : NULL;
	}
	ps->depth--;
	return a;
}

struct hs_jqn *hs_jqn_compile(const char *program, jv args, char *errbuf,
                              size_t errlen)
{
	struct parser ps;
	struct hs_jqn *p = hs_xcalloc(1, sizeof(*p));

	memset(&ps, 0, sizeof(ps));
	ps.p = p;
	ps.args = args;
	ps.err = errbuf;
	ps.errlen = errlen;
	if (lex(&ps, program) == 0) {
		p->root = parse_pipe(&ps);
		if (p->root && peek(&ps)->t != T_EOF)
			fail(&ps, peek(&ps)->pos, "unsupported syntax");
	}
	free(ps.toks);
	if (ps.failed || !p->root) {
		if (!ps.failed)
			snprintf(errbuf, errlen, "unsupported program");
		hs_jqn_free(p);
		return NULL;
	}
	return p;
}

void hs_jqn_free(struct hs_jqn *p)
{
	if (!p)
		return;
	arena_free(&p->ar);
	free(p);
}

struct hs_jqn_state *hs_jqn_state_new(void)
{
	struct hs_jqn_state *s = hs_xcalloc(1, sizeof(*s));

	hs_buf_init(&s->tmp);
	hs_buf_init(&s->out);
	return s;
}

void hs_jqn_state_free(struct hs_jqn_state *s)
{
	if (!s)
		return;
	arena_free(&s->ar);
	hs_buf_release(&s->tmp);
	hs_buf_release(&s->out);
	free(s);
}

/* ---- operations ---- */

/* NaN is where libjq's printing and ordering get peculiar: punt. */
static int number(double d, struct val *out)
{
	if (d != d)
		return PUNT;
	*out = vnum(d);
	return 0;
}

static struct val concat_str(struct ctx *x, struct val a, struct val b)
{
	const char *s, *t;
	size_t n, m;
	char *r;

	str(x, a, &s, &n);
	str(x, b, &t, &m);
	r = aalloc(x->ar, n + m + 1);
	memcpy(r, s, n);
	memcpy(r + n, t, m);
	return vstr(r, n + m);
}

static int plus(struct ctx *x, struct val a, struct val b, struct val *out)
{
	int ka = kind(x, a), kb = kind(x, b);

	if (ka == V_NULL) {
		*out = b;
		return 0;
	}
	if (kb == V_NULL) {
		*out = a;
		return 0;
	}
	if (ka != kb)
		return PUNT;
	switch (ka) {
	case V_NUM:
		return number(num(x, a) + num(x, b), out);
	case V_STR:
		*out = concat_str(x, a, b);
		return out->n < (1u << 30) ? 0 : PUNT;
	case V_ARR: {
		const struct val *ia, *ib;
		uint32_t na = arr(x, a, &ia), nb = arr(x, b, &ib);
		struct val *r =
		    aalloc(x->ar, ((size_t)na + nb + 1) * sizeof(*r));

		memcpy(r, ia, na * sizeof(*r));
		memcpy(r + na, ib, nb * sizeof(*r));
		*out = varr(r, na + nb);
		return 0;
	}
	case V_OBJ: {
		const struct obj *oa = obj(x, a), *ob = obj(x, b);
		struct obj *o = obj_new(x, oa->n + ob->n);

		for (uint32_t i = 0; i < oa->n; i++)
			obj_set(x, o, oa->kv[2 * i], oa->kv[2 * i + 1]);
		for (uint32_t i = 0; i < ob->n; i++)
			obj_set(x, o, ob->kv[2 * i], ob->kv[2 * i + 1]);
		*out = vobj(o);
		return 0;
	}
	default:
		return PUNT;
	}
}

static int minus(struct ctx *x, struct val a, struct val b, struct val *out)
{
	int ka = kind(x, a), kb = kind(x, b);

	if (ka == V_NUM && kb == V_NUM)
		return number(num(x, a) - num(x, b), out);
	if (ka == V_ARR && kb == V_ARR) {
		const struct val *ia, *ib;
		uint32_t na = arr(x, a, &ia), nb = arr(x, b, &ib), n = 0;
		struct val *r = aalloc(x->ar, ((size_t)na + 1) * sizeof(*r));

		for (uint32_t i = 0; i < na; i++) {
			int eq = 0;

			for (uint32_t j = 0; j < nb && !eq; j++)
				if (equal(x, ia[i], ib[j], &eq, 0))
					return PUNT;
			if (!eq)
				r[n++] = ia[i];
		}
		*out = varr(r, n);
		return 0;
	}
	return PUNT;
}

static int binop(struct ctx *x, int fn, struct val a, struct val b,
                 struct val *out)
{
	int r, ka, kb;
	double da, db;

	switch (fn) {
	case B_ADD:
		return plus(x, a, b, out);
	case B_SUB:
		return minus(x, a, b, out);
	case B_EQ:
	case B_NE:
		if (equal(x, a, b, &r, 0))
			return PUNT;
		*out = vbool(fn == B_EQ ? r : !r);
		return 0;
	case B_LT:
	case B_LE:
	case B_GT:
	case B_GE:
		if (cmp(x, a, b, &r, 0))
			return PUNT;
		*out = vbool(fn == B_LT   ? r < 0
		             : fn == B_LE ? r <= 0
		             : fn == B_GT ? r > 0
		                          : r >= 0);
		return 0;
	default:
		break;
	}
	ka = kind(x, a);
	kb = kind(x, b);
	if (ka != V_NUM || kb != V_NUM)
		return PUNT; /* string repetition, splitting, merging */
	da = num(x, a);
	db = num(x, b);
	if (fn == B_MUL)
		return number(da * db, out);
	if (fn == B_DIV)
		return db == 0.0 ? PUNT : number(da / db, out);
	/* jq 1.6's %: both through intmax_t, C's sign rules. */
	if (!(fabs(da) < 9.2e18) || !(fabs(db) < 9.2e18))
		return PUNT;
	{
		intmax_t ia = (intmax_t)da, ib = (intmax_t)db;

		if (ib == 0 || (ib == -1 && ia == INTMAX_MIN))
			return PUNT;
		*out = vnum((double)(ia % ib));
	}
	return 0;
}

/* jv_get(): 0 with *out, 1 for an error jq raises, PUNT otherwise. */
static int index_val(struct ctx *x, struct val t, struct val key,
                     struct val *out)
{
	int kt = kind(x, t), kk = kind(x, key);

	if (kt == V_OBJ && kk == V_STR) {
		const char *s;
		size_t n;
		long i;

		str(x, key, &s, &n);
		if (t.k == V_TAPE) {
			uint32_t m = hs_json_obj_get(x->d, t.n, s, n);

			*out = m == HS_JSON_NONE ? v_null : vtape(m);
			return 0;
		}
		i = obj_find(t.u.o, s, n);
		*out = i < 0 ? v_null : t.u.o->kv[2 * i + 1];
		return 0;
	}
	if (kt == V_ARR && kk == V_NUM) {
		double d = num(x, key);
		const struct val *items;
		uint32_t len;
		long idx;

		if (!(d == d && d <= INT_MAX && d >= INT_MIN) || d != (int)d) {
			*out = v_null;
			return 0;
		}
		idx = (int)d;
		if (t.k == V_TAPE) {
			len = x->d->nodes[t.n].count;
			if (idx < 0)
				idx += len;
			*out = idx < 0 || idx >= (long)len
			           ? v_null
			           : vtape(hs_json_arr_at(x->d, t.n,
			                                  (uint32_t)idx));
			return 0;
		}
		len = arr(x, t, &items);
		if (idx < 0)
			idx += len;
		*out = idx < 0 || idx >= (long)len ? v_null : items[idx];
		return 0;
	}
	if (kt == V_NULL && (kk == V_STR || kk == V_NUM)) {
		*out = v_null;
		return 0;
	}
	if (kk == V_OBJ || (kt == V_ARR && kk == V_ARR) || kt == V_NULL)
		return PUNT; /* slices, indexes: not here */
	return 1;
}

/* ---- evaluation ---- */

typedef int (*kfn)(struct ctx *x, void *cl, struct val v);

static int eval(struct ctx *x, const struct node *n, struct val in, kfn k,
                void *cl);

struct k_pipe {
	const struct node *n;
	kfn k;
	void *cl;
};

static int pipe_k(struct ctx *x, void *cl, struct val v)
{
	struct k_pipe *c = cl;

	return eval(x, c->n, v, c->k, c->cl);
}

struct k_index {
	struct val key;
	const struct node *n; /* the O_INDEX node */
	struct val in;
	kfn k;
	void *cl;
};

static int index_k(struct ctx *x, void *cl, struct val t)
{
	struct k_index *c = cl;
	struct val out;
	int r = index_val(x, t, c->key, &out);

	if (r == 1)
		return c->n->opt ? 0 : PUNT;
	if (r)
		return r;
	return c->k(x, c->cl, out);
}

/* A key's output: now every output of the term, indexed by it. */
static int index_key_k(struct ctx *x, void *cl, struct val key)
{
	struct k_index *c = cl;
	struct k_index inner = *c;

	inner.key = key;
	return eval(x, c->n->a, c->in, index_k, &inner);
}

static int iter_k(struct ctx *x, void *cl, struct val t)
{
	struct k_index *c = cl;
	int kt = kind(x, t), r;

	if (kt == V_ARR) {
		if (t.k == V_TAPE) {
			HS_JSON_FOREACH_ELEM(x->d, t.n, e)
			if ((r = c->k(x, c->cl, vtape(e))) != 0)
				return r;
			return 0;
		}
		for (uint32_t i = 0; i < t.n; i++)
			if ((r = c->k(x, c->cl, t.u.a[i])) != 0)
				return r;
		return 0;
	}
	if (kt == V_OBJ) {
		const struct obj *o = obj(x, t);

		for (uint32_t i = 0; i < o->n; i++)
			if ((r = c->k(x, c->cl, o->kv[2 * i + 1])) != 0)
				return r;
		return 0;
	}
	return c->n->opt ? 0 : PUNT;
}

struct k_alt {
	int found;
	kfn k;
	void *cl;
};

static int alt_k(struct ctx *x, void *cl, struct val v)
{
	struct k_alt *c = cl;

	if (!truthy(x, v))
		return 0;
	c->found = 1;
	return c->k(x, c->cl, v);
}

struct k_logic {
	const struct node *n;
	struct val in, other;
	kfn k;
	void *cl;
};

static int truth_k(struct ctx *x, void *cl, struct val v)
{
	struct k_logic *c = cl;

	return c->k(x, c->cl, vbool(truthy(x, v)));
}

static int logic_k(struct ctx *x, void *cl, struct val v)
{
	struct k_logic *c = cl;
	int t = truthy(x, v);

	if (c->n->op == O_AND ? !t : t)
		return c->k(x, c->cl, vbool(t));
	return eval(x, c->n->b, c->in, truth_k, c);
}

static int bin_a_k(struct ctx *x, void *cl, struct val a)
{
	struct k_logic *c = cl;
	struct val out;
	int r = binop(x, c->n->fn, a, c->other, &out);

	return r ? r : c->k(x, c->cl, out);
}

/* The right operand's outputs are the outer loop, as in libjq. */
static int bin_b_k(struct ctx *x, void *cl, struct val b)
{
	struct k_logic *c = cl;
	struct k_logic inner = *c;

	inner.other = b;
	return eval(x, c->n->a, c->in, bin_a_k, &inner);
}

static int neg_k(struct ctx *x, void *cl, struct val v)
{
	struct k_pipe *c = cl;

	if (kind(x, v) != V_NUM)
		return PUNT;
	return c->k(x, c->cl, vnum(-num(x, v)));
}

static int if_k(struct ctx *x, void *cl, struct val v)
{
	struct k_logic *c = cl;

	return eval(x, truthy(x, v) ? c->n->b : c->n->c, c->in, c->k, c->cl);
}

struct k_collect {
	struct val *items;
	uint32_t n, cap;
};

static int collect_k(struct ctx *x, void *cl, struct val v)
{
	struct k_collect *c = cl;

	if (c->n == c->cap) {
		uint32_t cap = c->cap ? 2 * c->cap : 8;
		struct val *items = aalloc(x->ar, cap * sizeof(*items));

		if (c->n)
			memcpy(items, c->items, c->n * sizeof(*items));
		c->items = items;
		c->cap = cap;
	}
	c->items[c->n++] = v;
	return 0;
}

struct k_obj {
	const struct node *n;
	struct val in;
	struct val *slots; /* key, value of each pair */
	uint32_t i;
	kfn k;
	void *cl;
};

static int obj_pair(struct ctx *x, struct k_obj *c);

static int obj_val_k(struct ctx *x, void *cl, struct val v)
{
	struct k_obj *c = cl;
	struct k_obj inner = *c;

	c->slots[2 * c->i + 1] = v;
	inner.i = c->i + 1;
	return obj_pair(x, &inner);
}

static int obj_key_k(struct ctx *x, void *cl, struct val key)
{
	struct k_obj *c = cl;

	if (kind(x, key) != V_STR)
		return PUNT; /* "Object keys must be strings" */
	c->slots[2 * c->i] = resolve_str(x, key);
	return eval(x, c->n->pairs[c->i].v, c->in, obj_val_k, c);
}

/* Pair c->i onwards; past the last, the object from the slots. */
static int obj_pair(struct ctx *x, struct k_obj *c)
{
	if (c->i == c->n->npairs) {
		struct obj *o = obj_new(x, c->n->npairs);

		for (uint32_t i = 0; i < c->n->npairs; i++)
			obj_set(x, o, c->slots[2 * i], c->slots[2 * i + 1]);
		return c->k(x, c->cl, vobj(o));
	}
	return eval(x, c->n->pairs[c->i].k, c->in, obj_key_k, c);
}

static int call0(struct ctx *x, const struct node *n, struct val in, kfn k,
                 void *cl);

struct k_call {
	const struct node *n;
	struct val in;
	kfn k;
	void *cl;
};

static int select_k(struct ctx *x, void *cl, struct val v)
{
	struct k_call *c = cl;

	return truthy(x, v) ? c->k(x, c->cl, c->in) : 0;
}

/* A one-argument builtin on c->in with one output a of its argument. */
static int call1_k(struct ctx *x, void *cl, struct val a)
{
	struct k_call *c = cl;
	struct val in = c->in, out;
	const char *s, *t;
	size_t n, m;
	int ki = kind(x, in), ka = kind(x, a);

	switch (c->n->fn) {
	case F_HAS:
		if (ki == V_NULL) {
			out = v_false;
		} else if (ki == V_OBJ && ka == V_STR) {
			str(x, a, &s, &n);
			out = vbool(obj_find(obj(x, in), s, n) >= 0);
		} else if (ki == V_ARR && ka == V_NUM) {
			const struct val *items;
			double d = num(x, a);
			uint32_t len = arr(x, in, &items);

			if (!(fabs(d) < 2147483647.0))
				return PUNT;
			out = vbool((int)d >= 0 && (int)d < (long)len);
		} else {
			return PUNT;
		}
		break;
	case F_STARTSWITH:
	case F_ENDSWITH:
	case F_LTRIMSTR:
	case F_RTRIMSTR: {
		int hit;

		if (ki != V_STR || ka != V_STR) {
			if (c->n->fn == F_LTRIMSTR || c->n->fn == F_RTRIMSTR)
				return c->k(x, c->cl, in);
			return PUNT;
		}
		str(x, in, &s, &n);
		str(x, a, &t, &m);
		if (c->n->fn == F_STARTSWITH || c->n->fn == F_LTRIMSTR)
			hit = m <= n && memcmp(s, t, m) == 0;
		else
			hit = m <= n && memcmp(s + n - m, t, m) == 0;
		if (c->n->fn == F_STARTSWITH || c->n->fn == F_ENDSWITH)
			out = vbool(hit);
		else if (!hit)
			out = in;
		else if (c->n->fn == F_LTRIMSTR)
			out = vstr(s + m, n - m);
		else
			out = vstr(s, n - m);
		break;
	}
	case F_JOIN: {
		/* reduce .[] as $i (null; (if .==null then "" else .+$x
		 * end) + ($i | if type=="boolean" or type=="number" then
		 * tostring else .//"" end)) // "" */
		const struct val *items;
		struct val acc = v_null, piece;
		uint32_t len;
		int r;

		if (ki == V_ARR) {
			len = arr(x, in, &items);
		} else if (ki == V_OBJ) {
			const struct obj *o = obj(x, in);
			struct val *vals =
			    aalloc(x->ar, (o->n + 1) * sizeof(*vals));

			for (uint32_t i = 0; i < o->n; i++)
				vals[i] = o->kv[2 * i + 1];
			items = vals;
			len = o->n;
		} else {
			return PUNT;
		}
		for (uint32_t i = 0; i < len; i++) {
			int ke = kind(x, items[i]);

			if (kind(x, acc) == V_NULL)
				acc = vstr("", 0);
			else if ((r = plus(x, acc, a, &acc)) != 0)
				return r;
			if (ke == V_TRUE || ke == V_FALSE || ke == V_NUM) {
				if ((r = dump_val(x, items[i], &piece)) != 0)
					return r;
			} else if (ke == V_NULL) {
				piece = vstr("", 0);
			} else {
				piece = items[i];
			}
			if ((r = plus(x, acc, piece, &acc)) != 0)
				return r;
		}
		out = truthy(x, acc) ? acc : vstr("", 0);
		break;
	}
	default:
		return PUNT;
	}
	return c->k(x, c->cl, out);
}

static int eval(struct ctx *x, const struct node *n, struct val in, kfn k,
                void *cl)
{
	switch (n->op) {
	case O_ID:
		return k(x, cl, in);
	case O_LIT:
		return k(x, cl, n->lit);
	case O_INDEX: {
		struct k_index c = {n->b->lit, n, in, k, cl};

		if (n->b->op == O_LIT)
			return eval(x, n->a, in, index_k, &c);
		return eval(x, n->b, in, index_key_k, &c);
	}
	case O_ITER: {
		struct k_index c = {v_null, n, in, k, cl};

		return eval(x, n->a, in, iter_k, &c);
	}
	case O_PIPE: {
		struct k_pipe c = {n->b, k, cl};

		return eval(x, n->a, in, pipe_k, &c);
	}
	case O_COMMA: {
		int r = eval(x, n->a, in, k, cl);

		return r ? r : eval(x, n->b, in, k, cl);
	}
	case O_ALT: {
		struct k_alt c = {0, k, cl};
		int r = eval(x, n->a, in, alt_k, &c);

		if (r || c.found)
			return r;
		return eval(x, n->b, in, k, cl);
	}
	case O_AND:
	case O_OR: {
		struct k_logic c = {n, in, v_null, k, cl};

		return eval(x, n->a, in, logic_k, &c);
	}
	case O_BIN: {
		struct k_logic c = {n, in, v_null, k, cl};

		return eval(x, n->b, in, bin_b_k, &c);
	}
	case O_NEG: {
		struct k_pipe c = {n, k, cl};

		return eval(x, n->a, in, neg_k, &c);
	}
	case O_IF: {
		struct k_logic c = {n, in, v_null, k, cl};

		return eval(x, n->a, in, if_k, &c);
	}
	case O_ARR: {
		struct k_collect c = {NULL, 0, 0};
		int r = eval(x, n->a, in, collect_k, &c);

		return r ? r : k(x, cl, varr(c.items, c.n));
	}
	case O_OBJ: {
		struct k_obj c = {n, in, NULL, 0, k, cl};

		c.slots = aalloc(x->ar, (2 * n->npairs + 1) * sizeof(*c.slots));
		return obj_pair(x, &c);
	}
	case O_CALL:
		if (n->fn == F_SELECT) {
			struct k_call c = {n, in, k, cl};

			return eval(x, n->a, in, select_k, &c);
		}
		if (n->a && n->fn != F_MAP) {
			struct k_call c = {n, in, k, cl};

			return eval(x, n->a, in, call1_k, &c);
		}
		return call0(x, n, in, k, cl);
	}
	return PUNT;
}

static int call0(struct ctx *x, const struct node *n, struct val in, kfn k,
                 void *cl)
{
	int ki = kind(x, in), r;
	const char *s;
	size_t len;
	struct val out;

	switch (n->fn) {
	case F_EMPTY:
		return 0;
	case F_NOT:
		return k(x, cl, vbool(!truthy(x, in)));
	case F_VALUES:
		return ki == V_NULL ? 0 : k(x, cl, in);
	case F_TYPE: {
		static const char *const names[] = {
		    "null",   "boolean", "boolean", "number",
		    "string", "array",   "object"};

		return k(x, cl, vstr(names[ki], strlen(names[ki])));
	}
	case F_LENGTH:
		switch (ki) {
		case V_NULL:
			out = vnum(0);
			break;
		case V_NUM:
			out = vnum(fabs(num(x, in)));
			break;
		case V_STR: {
			size_t cps = 0;

			str(x, in, &s, &len);
			for (size_t i = 0; i < len; i++)
				cps += ((unsigned char)s[i] & 0xc0) != 0x80;
			out = vnum((double)cps);
			break;
		}
		case V_ARR:
			out = vnum(in.k == V_TAPE ? x->d->nodes[in.n].count
			                          : in.n);
			break;
		case V_OBJ:
			out = vnum(obj(x, in)->n);
			break;
		default:
			return PUNT; /* booleans have no length */
		}
		return k(x, cl, out);
	case F_UTF8LEN:
		if (ki != V_STR)
			return PUNT;
		str(x, in, &s, &len);
		return k(x, cl, vnum((double)len));
	case F_DOWN:
	case F_UP: {
		char *d;
		char lo = n->fn == F_DOWN ? 'A' : 'a';

		if (ki != V_STR)
			return PUNT;
		str(x, in, &s, &len);
		d = aalloc(x->ar, len + 1);
		for (size_t i = 0; i < len; i++)
			d[i] = s[i] >= lo && s[i] <= lo + 25
			           ? (char)(s[i] ^ 0x20)
			           : s[i];
		return k(x, cl, vstr(d, len));
	}
	case F_TOSTRING:
		if (ki == V_STR)
			return k(x, cl, in);
		/* fall through */
	case F_TOJSON:
		if ((r = dump_val(x, in, &out)) != 0)
			return r;
		return k(x, cl, out);
	case F_TONUMBER:
		if (ki == V_NUM)
			return k(x, cl, in);
		if (ki != V_STR)
			return PUNT;
		str(x, in, &s, &len);
		/* jv_parse() of a plain JSON number is strtod()'s double;
		 * anything looser (spaces, nan, a NUL) is libjq's call. */
		if (len > 64 || !strict_number(s + (len && s[0] == '-'),
		                               len - (len && s[0] == '-'), 0))
			return PUNT;
		return k(x, cl, vnum(hs_jq_num(s, len)));
	case F_KEYS:
	case F_KEYS_UNSORTED:
		if (ki == V_ARR) {
			const struct val *items;
			uint32_t cnt = arr(x, in, &items);
			struct val *ks = aalloc(x->ar, (cnt + 1) * sizeof(*ks));

			for (uint32_t i = 0; i < cnt; i++)
				ks[i] = vnum(i);
			return k(x, cl, varr(ks, cnt));
		}
		if (ki == V_OBJ) {
			const struct obj *o = obj(x, in);
			struct val *ks;

			if (n->fn == F_KEYS) {
				ks = sorted_keys(x, o);
			} else {
				ks = aalloc(x->ar, (o->n + 1) * sizeof(*ks));
				for (uint32_t i = 0; i < o->n; i++)
					ks[i] = o->kv[2 * i];
			}
			return k(x, cl, varr(ks, o->n));
		}
		return PUNT;
	case F_ADD: {
		struct val acc = v_null;

		if (ki == V_ARR) {
			const struct val *items;
			uint32_t cnt = arr(x, in, &items);

			for (uint32_t i = 0; i < cnt; i++)
				if ((r = plus(x, acc, items[i], &acc)) != 0)
					return r;
		} else if (ki == V_OBJ) {
			const struct obj *o = obj(x, in);

			for (uint32_t i = 0; i < o->n; i++)
				if ((r = plus(x, acc, o->kv[2 * i + 1],
				              &acc)) != 0)
					return r;
		} else {
			return PUNT;
		}
		return k(x, cl, acc);
	}
	case F_MAP: {
		/* [.[] | f] */
		struct k_collect c = {NULL, 0, 0};
		struct k_index it = {v_null, NULL, in, NULL, NULL};
		struct k_pipe p = {n->a, collect_k, &c};
		struct node fake;

		memset(&fake, 0, sizeof(fake));
		it.n = &fake;
		it.k = pipe_k;
		it.cl = &p;
		if ((r = iter_k(x, &it, in)) != 0)
			return r;
		return k(x, cl, varr(c.items, c.n));
	}
	default:
		return PUNT;
	}
}

struct k_top {
	hs_jqn_emit emit;
	void *ctx;
	struct hs_buf *out;
};

static int top_k(struct ctx *x, void *cl, struct val v)
{
	struct k_top *c = cl;

	if ((v.k == V_TAPE && v.n == 0) || same(x, v, 0, 0))
		return c->emit(c->ctx, 1, NULL, 0);
	hs_buf_reset(c->out);
	if (print(x, v, c->out, 0))
		return PUNT;
	return c->emit(c->ctx, 0, c->out->data, c->out->len);
}

int hs_jqn_run(const struct hs_jqn *p, struct hs_jqn_state *s,
               const struct hs_json_doc *d, hs_jqn_emit emit, void *ctx)
{
	struct ctx x = {d, &s->ar, &s->tmp};
	struct k_top top = {emit, ctx, &s->out};

	arena_reset(&s->ar);
	return eval(&x, p->root, vtape(0), top_k, &top);
}
