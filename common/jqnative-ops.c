/*
 * jqnative-ops.c: what the subset computes on values: the binary
 * operators (+ - * / %, comparisons) with libjq's results, indexing
 * t[key] (fields, elements, slices of the tape or built values) and the
 * builtins (length, keys, tostring, tonumber, has, startswith, join ...).
 * It calls no evaluation back: generators and map are jqnative-eval.c's.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jqnative-int.h"

#include "banned.h"

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
		const struct obj *oa = hs_jqn_obj(x, a), *ob = hs_jqn_obj(x, b);
		struct obj *o = hs_jqn_obj_new(x, oa->n + ob->n);

		for (uint32_t i = 0; i < oa->n; i++)
			hs_jqn_obj_set(x, o, oa->kv[2 * i], oa->kv[2 * i + 1]);
		for (uint32_t i = 0; i < ob->n; i++)
			hs_jqn_obj_set(x, o, ob->kv[2 * i], ob->kv[2 * i + 1]);
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
				if (hs_jqn_equal(x, ia[i], ib[j], &eq, 0))
					return PUNT;
			if (!eq)
				r[n++] = ia[i];
		}
		*out = varr(r, n);
		return 0;
	}
	return PUNT;
}

int hs_jqn_binop(struct ctx *x, int fn, struct val a, struct val b,
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
		if (hs_jqn_equal(x, a, b, &r, 0))
			return PUNT;
		*out = vbool(fn == B_EQ ? r : !r);
		return 0;
	case B_LT:
	case B_LE:
	case B_GT:
	case B_GE:
		if (hs_jqn_cmp(x, a, b, &r, 0))
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

/* A one-argument builtin on c->in with one output a of its argument. */
int hs_jqn_call1_k(struct ctx *x, void *cl, struct val a)
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
			out = vbool(hs_jqn_obj_find(hs_jqn_obj(x, in), s, n) >=
			            0);
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
			const struct obj *o = hs_jqn_obj(x, in);
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
				if ((r = hs_jqn_dump_val(x, items[i],
				                         &piece)) != 0)
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

int hs_jqn_call0(struct ctx *x, const struct node *n, struct val in, kfn k,
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
			out = vnum(hs_jqn_obj(x, in)->n);
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
		if ((r = hs_jqn_dump_val(x, in, &out)) != 0)
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
		if (len > 64 ||
		    !hs_jqn_strict_number(s + (len && s[0] == '-'),
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
			const struct obj *o = hs_jqn_obj(x, in);
			struct val *ks;

			if (n->fn == F_KEYS) {
				ks = hs_jqn_sorted_keys(x, o);
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
			const struct obj *o = hs_jqn_obj(x, in);

			for (uint32_t i = 0; i < o->n; i++)
				if ((r = plus(x, acc, o->kv[2 * i + 1],
				              &acc)) != 0)
					return r;
		} else {
			return PUNT;
		}
		return k(x, cl, acc);
	}
	default:
		return PUNT;
	}
}
