/*
 * jqnative-eval.c: evaluating the program tree on an event: jq's
 * generator semantics with continuations (every node calls k() once per
 * output, in libjq 1.6's order), map, the per-run state and hs_jqn_run().
 * Operators and builtins are jqnative-ops.c's; values jqnative.c's.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jqnative-int.h"

#include "banned.h"

/* ---- evaluation ---- */

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
		i = hs_jqn_obj_find(t.u.o, s, n);
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
		const struct obj *o = hs_jqn_obj(x, t);

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
	int r = hs_jqn_binop(x, c->n->fn, a, c->other, &out);

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
		struct obj *o = hs_jqn_obj_new(x, c->n->npairs);

		for (uint32_t i = 0; i < c->n->npairs; i++)
			hs_jqn_obj_set(x, o, c->slots[2 * i],
			               c->slots[2 * i + 1]);
		return c->k(x, c->cl, vobj(o));
	}
	return eval(x, c->n->pairs[c->i].k, c->in, obj_key_k, c);
}

static int select_k(struct ctx *x, void *cl, struct val v)
{
	struct k_call *c = cl;

	return truthy(x, v) ? c->k(x, c->cl, c->in) : 0;
}

/* map(f): [.[] | f]. */
static int map(struct ctx *x, const struct node *n, struct val in, kfn k,
               void *cl)
{
	struct k_collect c = {NULL, 0, 0};
	struct k_index it = {v_null, NULL, in, NULL, NULL};
	struct k_pipe p = {n->a, collect_k, &c};
	struct node fake;
	int r;

	memset(&fake, 0, sizeof(fake));
	it.n = &fake;
	it.k = pipe_k;
	it.cl = &p;
	if ((r = iter_k(x, &it, in)) != 0)
		return r;
	return k(x, cl, varr(c.items, c.n));
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
		if (n->fn == F_MAP)
			return map(x, n, in, k, cl);
		if (n->a) {
			struct k_call c = {n, in, k, cl};

			return eval(x, n->a, in, hs_jqn_call1_k, &c);
		}
		return hs_jqn_call0(x, n, in, k, cl);
	}
	return PUNT;
}

struct k_top {
	hs_jqn_emit emit;
	void *ctx;
	struct hs_buf *out;
};

static int top_k(struct ctx *x, void *cl, struct val v)
{
	struct k_top *c = cl;

	if ((v.k == V_TAPE && v.n == 0) || hs_jqn_same(x, v, 0, 0))
		return c->emit(c->ctx, 1, NULL, 0);
	hs_buf_reset(c->out);
	if (hs_jqn_print(x, v, c->out, 0))
		return PUNT;
	return c->emit(c->ctx, 0, c->out->data, c->out->len);
}

int hs_jqn_run(const struct hs_jqn *p, struct hs_jqn_state *s,
               const struct hs_json_doc *d, hs_jqn_emit emit, void *ctx)
{
	struct ctx x = {d, &s->ar, &s->tmp};
	struct k_top top = {emit, ctx, &s->out};

	hs_jqn_arena_reset(&s->ar);
	return eval(&x, p->root, vtape(0), top_k, &top);
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
	hs_jqn_arena_free(&s->ar);
	hs_buf_release(&s->tmp);
	hs_buf_release(&s->out);
	free(s);
}
