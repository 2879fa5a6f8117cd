/*
 * schema-eval.c: validating an event against compiled nodes: applying
 * subschemas along edges, each keyword's check (numbers as exact
 * decimals, strings in code points, pattern, format, arrays, objects),
 * the applicators and "unevaluated*", the dynamic scope for
 * "$dynamicRef", and hs_schema_validate.  Writing error records is
 * schema-output.c's; building the nodes, schema-compile.c's.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "format.h"
#include "json.h"
#include "num.h"
#include "regex.h"
#include "schema-int.h"
#include "schema.h"
#include "banned.h"

static int validate(struct hs_schema *s, uint32_t node, uint32_t inst,
                    uint8_t *ev);

static uint32_t ev_size(const struct hs_json_doc *d, uint32_t inst)
{
	enum hs_json_type t = hs_json_type(d, inst);

	return t == HS_JSON_OBJECT || t == HS_JSON_ARRAY ? d->nodes[inst].count
	                                                 : 0;
}

/*
 * Apply edge e to the same instance (an in-place applicator).  With ev
 * (annotations wanted), the subschema gets a fresh set that is merged
 * into ev only when it passes: failed subschemas annotate nothing.
 */
static int apply(struct hs_schema *s, uint32_t e, uint32_t inst, uint8_t *ev)
{
	uint32_t n = ev ? ev_size(s->d, inst) : 0;
	uint8_t small[64], *sub = NULL;
	int ok;

	if (s->nk >= 2 * MAX_DEPTH) {
		s->limit = 2;
		return 0;
	}
	s->kpath[s->nk++] = s->edges[e].rel;
	if (ev) {
		sub = n <= sizeof(small) ? small : hs_xcalloc(n, 1);
		memset(sub, 0, n);
		/* validate() wants a non-NULL set even for scalars */
		ok = validate(s, s->edges[e].node, inst, n ? sub : small);
		if (ok)
			for (uint32_t j = 0; j < n; j++)
				ev[j] |= sub[j];
		if (sub != small)
			free(sub);
	} else {
		ok = validate(s, s->edges[e].node, inst, NULL);
	}
	s->nk--;
	return ok;
}

/* Apply edge e to a child instance (a member value or an element). */
static int apply_child(struct hs_schema *s, uint32_t e, uint32_t child,
                       uint32_t key, uint32_t idx)
{
	int ok;

	if (s->ni >= MAX_DEPTH || s->nk >= 2 * MAX_DEPTH) {
		s->limit = 2;
		return 0;
	}
	s->ipath[s->ni].key = key;
	s->ipath[s->ni].idx = idx;
	s->ni++;
	s->kpath[s->nk++] = s->edges[e].rel;
	ok = validate(s, s->edges[e].node, child, NULL);
	s->nk--;
	s->ni--;
	return ok;
}

/* Decoded text of string node i: plain strings point into the event. */
static void str_of(const struct hs_json_doc *d, uint32_t i, struct hs_buf *b,
                   const char **p, size_t *n)
{
	if (hs_json_str_plain(d, i, p, n))
		return;
	hs_buf_reset(b);
	hs_json_str_decode(d, i, b);
	*p = b->data;
	*n = b->len;
}

static size_t code_points(const char *p, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)p[i] & 0xC0) != 0x80;
	return c;
}

/*
 * value / divisor is an integer, by exact decimal arithmetic: with
 * value = A * 10^ea and divisor = B * 10^eb (A, B integers without
 * trailing zeros), it is when B divides A * 10^(ea - eb).  B up to 18
 * digits is exact; longer divisors fall back to long double.
 */
static int multiple_of(const char *a, size_t an, const char *b, size_t bn)
{
	struct hs_num_dec va, vb;
	int ok = 0;

	if (hs_num_dec_parse(&va, a, an) < 0)
		return 0;
	if (hs_num_dec_parse(&vb, b, bn) < 0) {
		hs_num_dec_release(&va);
		return 0;
	}
	if (va.ndigits == 0) {
		ok = 1;
	} else if (vb.ndigits <= 18) {
		int64_t ea = va.exp - (int64_t)va.ndigits;
		int64_t eb = vb.exp - (int64_t)vb.ndigits;
		int64_t e = ea - eb;
		unsigned __int128 B = 0, r = 0, p10, base;

		for (size_t i = 0; i < vb.ndigits; i++)
			B = B * 10 + (unsigned)(vb.digits[i] - '0');
		if (e < 0) {
			/* B * 10^-e ends in zeros while A, stripped of
			 * its trailing zeros, does not: never a multiple */
			ok = 0;
		} else {
			for (size_t i = 0; i < va.ndigits; i++)
				r = (r * 10 + (unsigned)(va.digits[i] - '0')) %
				    B;
			/* r * 10^e mod B by square-and-multiply */
			p10 = 1 % B;
			base = 10 % B;
			for (int64_t k = e; k > 0; k >>= 1) {
				if (k & 1)
					p10 = p10 * base % B;
				base = base * base % B;
			}
			ok = r * p10 % B == 0;
		}
	} else {
		long double x = strtold(a, NULL), y = strtold(b, NULL);
		long double q = x / y;

		/* Past 2^64 a long double holds only integers, and casting it
		 * to long long would be undefined: floorl() tells integers
		 * apart at any size.  An infinite quotient counts as integral,
		 * as a finite one that large would. */
		ok = !isnan(q) && (isinf(q) || floorl(q) == q);
	}
	hs_num_dec_release(&va);
	hs_num_dec_release(&vb);
	return ok;
}

static const char *type_name(const struct hs_json_doc *d, uint32_t i)
{
	static const char *names[] = {"null",   "boolean", "boolean", "number",
	                              "string", "array",   "object"};

	return names[hs_json_type(d, i)];
}

static int check_scalar(struct hs_schema *s, uint32_t node, uint32_t inst)
{
	const struct snode *n = N(s, node);
	const struct hs_json_doc *d = s->d;
	enum hs_json_type t = hs_json_type(d, inst);
	int ok = 1;

	if (n->types) {
		uint32_t bit = t == HS_JSON_NULL     ? T_NULL
		               : t == HS_JSON_TRUE   ? T_BOOL
		               : t == HS_JSON_FALSE  ? T_BOOL
		               : t == HS_JSON_NUMBER ? T_NUMBER
		               : t == HS_JSON_STRING ? T_STRING
		               : t == HS_JSON_ARRAY  ? T_ARRAY
		                                     : T_OBJECT;
		int match = (n->types & bit) != 0;

		if (!match && t == HS_JSON_NUMBER && (n->types & T_INTEGER) &&
		    hs_num_is_integer(hs_json_raw(d, inst), d->nodes[inst].len))
			match = 1;
		if (!match) {
			hs_schema_verr(s, node, "type",
			               "%s is not of the expected type",
			               type_name(d, inst));
			ok = 0;
			if (!s->collect)
				return 0;
		}
	}
	if (n->constv != NONE &&
	    !hs_json_equal(d, inst, DOC(s, n->doc), n->constv)) {
		hs_schema_verr(s, node, "const",
		               "value does not equal the constant");
		ok = 0;
	}
	if (n->enumv != NONE) {
		int found = 0;

		HS_JSON_FOREACH_ELEM(DOC(s, n->doc), n->enumv, e)
		{
			if (hs_json_equal(d, inst, DOC(s, n->doc), e)) {
				found = 1;
				break;
			}
		}
		if (!found) {
			hs_schema_verr(s, node, "enum",
			               "value is not one of the enum");
			ok = 0;
		}
	}
	if (t == HS_JSON_NUMBER) {
		const char *p = hs_json_raw(d, inst);
		size_t len = d->nodes[inst].len;

		if (n->maximum.p &&
		    hs_num_cmp(p, len, n->maximum.p, n->maximum.n) > 0) {
			hs_schema_verr(s, node, "maximum",
			               "%.*s is greater than %.*s", (int)len, p,
			               (int)n->maximum.n, n->maximum.p);
			ok = 0;
		}
		if (n->exmaximum.p &&
		    hs_num_cmp(p, len, n->exmaximum.p, n->exmaximum.n) >= 0) {
			hs_schema_verr(s, node, "exclusiveMaximum",
			               "%.*s is not less than %.*s", (int)len,
			               p, (int)n->exmaximum.n, n->exmaximum.p);
			ok = 0;
		}
		if (n->minimum.p &&
		    hs_num_cmp(p, len, n->minimum.p, n->minimum.n) < 0) {
			hs_schema_verr(s, node, "minimum",
			               "%.*s is less than %.*s", (int)len, p,
			               (int)n->minimum.n, n->minimum.p);
			ok = 0;
		}
		if (n->exminimum.p &&
		    hs_num_cmp(p, len, n->exminimum.p, n->exminimum.n) <= 0) {
			hs_schema_verr(s, node, "exclusiveMinimum",
			               "%.*s is not greater than %.*s",
			               (int)len, p, (int)n->exminimum.n,
			               n->exminimum.p);
			ok = 0;
		}
		if (n->multipleof.p &&
		    !multiple_of(p, len, n->multipleof.p, n->multipleof.n)) {
			hs_schema_verr(s, node, "multipleOf",
			               "%.*s is not a multiple of %.*s",
			               (int)len, p, (int)n->multipleof.n,
			               n->multipleof.p);
			ok = 0;
		}
	} else if (t == HS_JSON_STRING &&
	           (n->maxlen >= 0 || n->minlen >= 0 || n->pattern ||
	            (n->format && s->o.assert_format))) {
		struct hs_buf b = HS_BUF_INIT;
		const char *p;
		size_t len, cp;

		str_of(d, inst, &b, &p, &len);
		cp = (d->nodes[inst].flags &
		      (HS_JSON_F_NONASCII | HS_JSON_F_ESCAPED))
		         ? code_points(p, len)
		         : len;
		if (n->maxlen >= 0 && cp > (uint64_t)n->maxlen) {
			hs_schema_verr(
			    s, node, "maxLength",
			    "string of %zu characters is longer than %lld", cp,
			    (long long)n->maxlen);
			ok = 0;
		}
		if (n->minlen >= 0 && cp < (uint64_t)n->minlen) {
			hs_schema_verr(
			    s, node, "minLength",
			    "string of %zu characters is shorter than %lld", cp,
			    (long long)n->minlen);
			ok = 0;
		}
		if (n->pattern) {
			int m = hs_regex_search(n->pattern, p, len);

			if (m == HS_REGEX_LIMIT) {
				s->limit = 1;
				hs_schema_verr(
				    s, node, "pattern",
				    "regular expression match limit exceeded");
				ok = 0;
			} else if (m == HS_REGEX_NOMATCH) {
				hs_schema_verr(
				    s, node, "pattern",
				    "string does not match the pattern");
				ok = 0;
			}
		}
		if (n->format && s->o.assert_format &&
		    hs_format_check(n->format, p, len) == 0) {
			hs_schema_verr(s, node, "format",
			               "string is not a valid %s", n->format);
			ok = 0;
		}
		hs_buf_release(&b);
	}
	return ok;
}

static int check_array(struct hs_schema *s, uint32_t node, uint32_t inst,
                       uint8_t *ev)
{
	const struct hs_json_doc *d = s->d;
	const struct snode *n = N(s, node);
	uint32_t count = d->nodes[inst].count, idx = 0, matches = 0;
	int ok = 1;

	if (n->maxitems >= 0 && count > (uint64_t)n->maxitems) {
		hs_schema_verr(s, node, "maxItems",
		               "array of %u items has more than %lld", count,
		               (long long)n->maxitems);
		ok = 0;
	}
	if (n->minitems >= 0 && count < (uint64_t)n->minitems) {
		hs_schema_verr(s, node, "minItems",
		               "array of %u items has fewer than %lld", count,
		               (long long)n->minitems);
		ok = 0;
	}
	if (!ok && !s->collect)
		return 0;
	HS_JSON_FOREACH_ELEM(d, inst, e)
	{
		n = N(s, node);
		if (idx < n->prefix.n) {
			if (!apply_child(s, n->prefix.start + idx, e, NONE,
			                 idx))
				ok = 0;
			if (ev)
				ev[idx] = 1;
		} else if (n->e_items != NONE) {
			if (!apply_child(s, n->e_items, e, NONE, idx))
				ok = 0;
			if (ev)
				ev[idx] = 1;
		}
		if (!ok && !s->collect)
			return 0;
		n = N(s, node);
		if (n->e_contains != NONE) {
			int c = s->collect, m;

			s->collect = 0;
			m = apply_child(s, n->e_contains, e, NONE, idx);
			s->collect = c;
			if (m) {
				matches++;
				if (ev)
					ev[idx] = 1;
			}
		}
		idx++;
	}
	n = N(s, node);
	if (n->e_contains != NONE) {
		int64_t min = n->mincontains >= 0 ? n->mincontains : 1;

		if ((int64_t)matches < min) {
			hs_schema_verr(
			    s, node, "contains",
			    min == 1
			        ? "no item matches the contains schema"
			        : "too few items match the contains schema");
			ok = 0;
		}
		if (n->maxcontains >= 0 && (int64_t)matches > n->maxcontains) {
			hs_schema_verr(
			    s, node, "maxContains",
			    "more than %lld items match the contains schema",
			    (long long)n->maxcontains);
			ok = 0;
		}
	}
	if (n->unique && count > 1) {
		uint32_t a = inst + 1, ia = 0;

		for (; a < d->nodes[inst].end && ok; a = d->nodes[a].end, ia++)
			for (uint32_t b = d->nodes[a].end;
			     b < d->nodes[inst].end; b = d->nodes[b].end)
				if (hs_json_equal(d, a, d, b)) {
					hs_schema_verr(s, node, "uniqueItems",
					               "item %u is repeated",
					               ia);
					ok = 0;
					break;
				}
	}
	return ok;
}

static int has_member(const struct hs_json_doc *d, uint32_t obj,
                      const char *name, size_t n)
{
	return hs_json_obj_get(d, obj, name, n) != NONE;
}

static int check_object(struct hs_schema *s, uint32_t node, uint32_t inst,
                        uint8_t *ev)
{
	const struct hs_json_doc *d = s->d;
	const struct snode *n = N(s, node);
	uint32_t count = d->nodes[inst].count, m = 0;
	struct hs_buf kb = HS_BUF_INIT;
	int ok = 1;

	if (n->maxprops >= 0 && count > (uint64_t)n->maxprops) {
		hs_schema_verr(s, node, "maxProperties",
		               "object of %u members has more than %lld", count,
		               (long long)n->maxprops);
		ok = 0;
	}
	if (n->minprops >= 0 && count < (uint64_t)n->minprops) {
		hs_schema_verr(s, node, "minProperties",
		               "object of %u members has fewer than %lld",
		               count, (long long)n->minprops);
		ok = 0;
	}
	for (uint32_t j = 0; j < n->required.n; j++) {
		const struct edge *e = &s->edges[n->required.start + j];

		if (!has_member(d, inst, e->name, e->namelen)) {
			hs_schema_verr(s, node, "required",
			               "missing required member '%s'", e->name);
			ok = 0;
			if (!s->collect)
				return 0;
		}
	}
	for (uint32_t j = 0; j < n->depreq.n; j++) {
		const struct edge *e = &s->edges[n->depreq.start + j];
		const struct hs_json_doc *sd = DOC(s, n->doc);

		if (!has_member(d, inst, e->name, e->namelen))
			continue;
		HS_JSON_FOREACH_ELEM(sd, e->json, r)
		{
			const char *p;
			size_t len;

			if (hs_json_type(sd, r) != HS_JSON_STRING)
				continue;
			str_of(sd, r, &kb, &p, &len);
			if (!has_member(d, inst, p, len)) {
				hs_schema_verr(
				    s, node, e->rel,
				    "member '%s' requires member '%.*s'",
				    e->name, (int)len, p);
				ok = 0;
			}
		}
	}
	if (!ok && !s->collect)
		goto out;
	HS_JSON_FOREACH_MEMBER(d, inst, k)
	{
		const char *p;
		size_t len;
		int matched = 0;

		n = N(s, node);
		if (n->props.n || n->pprops.n || n->e_addprops != NONE)
			str_of(d, k, &kb, &p, &len);
		for (uint32_t j = 0; j < n->props.n; j++) {
			const struct edge *e = &s->edges[n->props.start + j];

			if (e->namelen != len || memcmp(e->name, p, len))
				continue;
			matched = 1;
			if (!apply_child(s, n->props.start + j, k + 1, k, m))
				ok = 0;
			break;
		}
		for (uint32_t j = 0; j < n->pprops.n; j++) {
			const struct edge *e = &s->edges[n->pprops.start + j];
			int r = hs_regex_search(e->re, p, len);

			if (r == HS_REGEX_LIMIT) {
				s->limit = 1;
				hs_schema_verr(
				    s, node, "patternProperties",
				    "regular expression match limit exceeded");
				ok = 0;
			}
			if (r != HS_REGEX_MATCH)
				continue;
			matched = 1;
			if (!apply_child(s, n->pprops.start + j, k + 1, k, m))
				ok = 0;
		}
		if (!matched && n->e_addprops != NONE) {
			matched = 1;
			if (!apply_child(s, n->e_addprops, k + 1, k, m))
				ok = 0;
		}
		if (matched && ev)
			ev[m] = 1;
		if (n->e_propnames != NONE &&
		    !apply_child(s, n->e_propnames, k, k, m))
			ok = 0;
		if (!ok && !s->collect)
			goto out;
		m++;
	}
	n = N(s, node);
	for (uint32_t j = 0; j < n->depschemas.n; j++) {
		const struct edge *e = &s->edges[n->depschemas.start + j];

		if (!has_member(d, inst, e->name, e->namelen))
			continue;
		if (!apply(s, n->depschemas.start + j, inst, ev))
			ok = 0;
		n = N(s, node);
	}
out:
	hs_buf_release(&kb);
	return ok;
}

/* Try each edge of rg with errors off; count passes. */
static unsigned try_each(struct hs_schema *s, struct range rg, uint32_t inst,
                         uint8_t *ev, int stop_at, uint32_t *first)
{
	int c = s->collect;
	unsigned pass = 0;

	s->collect = 0;
	for (uint32_t j = 0; j < rg.n; j++) {
		if (apply(s, rg.start + j, inst, ev)) {
			if (!pass && first)
				*first = j;
			pass++;
			if (stop_at && pass >= (unsigned)stop_at)
				break;
		}
	}
	s->collect = c;
	return pass;
}

/* With errors wanted, run the branches again to collect theirs. */
static void explain(struct hs_schema *s, struct range rg, uint32_t inst)
{
	if (!s->collect)
		return;
	for (uint32_t j = 0; j < rg.n; j++)
		apply(s, rg.start + j, inst, NULL);
}

static int check_applicators(struct hs_schema *s, uint32_t node, uint32_t inst,
                             uint8_t *ev)
{
	const struct snode *n = N(s, node);
	struct range rg;
	int ok = 1;

	rg = n->allof;
	for (uint32_t j = 0; j < rg.n; j++) {
		if (!apply(s, rg.start + j, inst, ev)) {
			ok = 0;
			if (!s->collect)
				return 0;
		}
	}
	n = N(s, node);
	if (n->anyof.n) {
		rg = n->anyof;
		/* annotations want every passing branch; validity only one */
		if (try_each(s, rg, inst, ev, ev ? 0 : 1, NULL) == 0) {
			hs_schema_verr(s, node, "anyOf",
			               "no subschema of anyOf matches");
			explain(s, rg, inst);
			ok = 0;
		}
	}
	n = N(s, node);
	if (n->oneof.n) {
		uint32_t first = 0;
		unsigned p;

		rg = n->oneof;
		p = try_each(s, rg, inst, NULL, 2, &first);
		if (p == 0) {
			hs_schema_verr(s, node, "oneOf",
			               "no subschema of oneOf matches");
			explain(s, rg, inst);
			ok = 0;
		} else if (p > 1) {
			hs_schema_verr(
			    s, node, "oneOf",
			    "more than one subschema of oneOf matches");
			ok = 0;
		} else if (ev) {
			int c = s->collect;

			s->collect = 0;
			apply(s, rg.start + first, inst, ev);
			s->collect = c;
		}
	}
	n = N(s, node);
	if (n->e_not != NONE) {
		int c = s->collect;

		s->collect = 0;
		if (apply(s, n->e_not, inst, NULL)) {
			s->collect = c;
			hs_schema_verr(s, node, "not",
			               "value matches the not schema");
			ok = 0;
		}
		s->collect = c;
	}
	n = N(s, node);
	if (n->e_if != NONE && (n->e_then != NONE || n->e_else != NONE || ev)) {
		int c = s->collect, r;
		uint32_t br;

		s->collect = 0;
		r = apply(s, n->e_if, inst, ev);
		s->collect = c;
		n = N(s, node);
		br = r ? n->e_then : n->e_else;
		if (br != NONE && !apply(s, br, inst, ev))
			ok = 0;
	}
	return ok;
}

static int check_unevaluated(struct hs_schema *s, uint32_t node, uint32_t inst,
                             uint8_t *ev)
{
	const struct hs_json_doc *d = s->d;
	enum hs_json_type t = hs_json_type(d, inst);
	const struct snode *n = N(s, node);
	uint32_t m = 0;
	int ok = 1;

	if (t == HS_JSON_OBJECT && n->e_uprops != NONE) {
		HS_JSON_FOREACH_MEMBER(d, inst, k)
		{
			if (!ev[m]) {
				if (!apply_child(s, N(s, node)->e_uprops, k + 1,
				                 k, m))
					ok = 0;
				ev[m] = 1;
			}
			m++;
		}
	}
	if (t == HS_JSON_ARRAY && n->e_uitems != NONE) {
		HS_JSON_FOREACH_ELEM(d, inst, e)
		{
			if (!ev[m]) {
				if (!apply_child(s, N(s, node)->e_uitems, e,
				                 NONE, m))
					ok = 0;
				ev[m] = 1;
			}
			m++;
		}
	}
	return ok;
}

/* The target of a $dynamicRef: the outermost resource in the dynamic
 * scope with a matching $dynamicAnchor, else the static target. */
static uint32_t dyn_target(struct hs_schema *s, uint32_t node)
{
	const char *name = N(s, node)->dynname;

	for (unsigned i = 0; i < s->nscope; i++) {
		const char *uri = s->res[s->scope[i]].uri;

		for (uint32_t a = 0; a < s->nanchors; a++) {
			const struct sanchor *an = &s->anchors[a];

			if (an->dynamic && an->cnode != NONE &&
			    !strcmp(an->name, name) &&
			    !strcmp(s->res[an->res].uri, uri))
				return an->cnode;
		}
	}
	return s->edges[N(s, node)->e_dynref].node;
}

static int validate(struct hs_schema *s, uint32_t node, uint32_t inst,
                    uint8_t *ev)
{
	const struct snode *n = N(s, node);
	const struct hs_json_doc *d = s->d;
	enum hs_json_type t = hs_json_type(d, inst);
	uint8_t small[64], *own = NULL;
	int ok = 1, pushed = 0;

	if (n->boolean >= 0) {
		if (n->boolean)
			return 1;
		hs_schema_verr(s, node, "",
		               "no value is allowed here (false schema)");
		return 0;
	}
	if (s->limit)
		return 0;
	/*
	 * Schemas with two recursive references per level take time
	 * exponential in the instance's depth, which the event chooses: a
	 * budget per event turns that into an error for that event.
	 */
	if (++s->steps > HS_SCHEMA_MAX_STEPS) {
		s->limit = 3;
		hs_schema_verr(s, node, "",
		               "validation needs more than %d steps",
		               HS_SCHEMA_MAX_STEPS);
		return 0;
	}
	if (++s->depth > MAX_DEPTH) {
		s->limit = 2;
		hs_schema_verr(s, node, "", "schema recursion deeper than %d",
		               MAX_DEPTH);
		s->depth--;
		return 0;
	}
	if (!s->nscope || s->scope[s->nscope - 1] != n->res) {
		s->scope[s->nscope++] = n->res;
		pushed = 1;
	}
	if (n->has_uneval && !ev &&
	    (t == HS_JSON_OBJECT || t == HS_JSON_ARRAY)) {
		uint32_t sz = d->nodes[inst].count;

		own = sz <= sizeof(small) ? small : hs_xcalloc(sz, 1);
		memset(own, 0, sz);
		ev = own;
	}
	if (n->e_ref != NONE && !apply(s, n->e_ref, inst, ev)) {
		ok = 0;
		if (!s->collect)
			goto out;
	}
	n = N(s, node);
	if (n->e_dynref != NONE) {
		uint32_t tgt = n->dynname ? dyn_target(s, node)
		                          : s->edges[n->e_dynref].node;
		uint32_t save = s->edges[n->e_dynref].node;

		/* route the edge to the dynamic target for this call */
		s->edges[n->e_dynref].node = tgt;
		if (!apply(s, n->e_dynref, inst, ev))
			ok = 0;
		s->edges[N(s, node)->e_dynref].node = save;
		if (!ok && !s->collect)
			goto out;
	}
	if (!check_scalar(s, node, inst)) {
		ok = 0;
		if (!s->collect)
			goto out;
	}
	if (t == HS_JSON_ARRAY && !check_array(s, node, inst, ev)) {
		ok = 0;
		if (!s->collect)
			goto out;
	}
	if (t == HS_JSON_OBJECT && !check_object(s, node, inst, ev)) {
		ok = 0;
		if (!s->collect)
			goto out;
	}
	if (!check_applicators(s, node, inst, ev)) {
		ok = 0;
		if (!s->collect)
			goto out;
	}
	if (N(s, node)->has_uneval && ev &&
	    !check_unevaluated(s, node, inst, ev))
		ok = 0;
out:
	if (own && own != small)
		free(own);
	if (pushed)
		s->nscope--;
	s->depth--;
	return ok && !s->limit;
}

int hs_schema_validate(struct hs_schema *s, const struct hs_json_doc *d,
                       uint32_t inst, const char *iprefix,
                       struct hs_schema_result *r)
{
	int ok;

	hs_buf_reset(&r->out);
	hs_buf_reset(&r->first_kw);
	hs_buf_reset(&r->first_msg);
	r->nerrors = 0;
	r->limit = NULL;
	s->d = d;
	s->r = r;
	s->iprefix = iprefix ? iprefix : "";
	s->collect = 0;
	s->limit = 0;
	s->steps = 0;
	s->depth = s->ni = s->nk = s->nscope = 0;
	s->nerr = s->nerr_total = 0;
	s->errs = &r->out;
	/* the fast path: no error text while the event is valid */
	ok = validate(s, s->root, inst, NULL);
	if (ok)
		return HS_SCHEMA_VALID;
	s->limit = 0;
	s->steps = 0;
	s->collect = 1;
	s->depth = s->ni = s->nk = s->nscope = 0;
	hs_buf_adds(&r->out, "{\"valid\":false,\"errors\":[");
	validate(s, s->root, inst, NULL);
	hs_buf_adds(&r->out, "]}");
	r->nerrors = s->nerr_total;
	s->r = NULL;
	if (s->limit) {
		r->limit = s->limit == 1   ? "regex_limit"
		           : s->limit == 2 ? "too_deep"
		                           : "schema_limit";
		return HS_SCHEMA_LIMIT;
	}
	if (!r->nerrors) {
		/* cannot happen when both passes agree; say so if not */
		hs_buf_reset(&r->out);
		hs_buf_adds(&r->out, "{\"valid\":false,\"errors\":[]}");
	}
	return HS_SCHEMA_INVALID;
}
