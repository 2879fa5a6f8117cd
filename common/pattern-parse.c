/*
 * pattern-parse.c: reading one EventBridge pattern's JSON: its structure
 * ($or multiplied out into DNF terms of leaf specs), each field's value
 * list and every operator (prefix, suffix, equals-ignore-case, wildcard,
 * numeric, cidr, anything-but, exists) compiled into tests and exact
 * values of a condition, with the error messages naming the JSON pointer
 * at fault.  It does not own the pattern set, the trie, the hash table or
 * the index (pattern.c, pattern-index.c) nor matching (pattern-match.c).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pattern-int.h"

#include "banned.h"

/*
 * Replace s[0..*n) (owned) by its case fold (casefold.h: full Unicode
 * simple folding; the length may change).
 */
static char *fold_own(char *s, size_t *n)
{
	char *f = hs_xmalloc(HS_CASEFOLD_MAX(*n) + 1);

	*n = hs_casefold_utf8(s, *n, f);
	f[*n] = '\0';
	free(s);
	return f;
}

/* ---- compile-time context ---- */

static int bad(struct cc *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int bad(struct cc *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return hs_seterr(c->errbuf, c->errlen, "%s: %s",
	                 c->ptr.len ? c->ptr.data : "(root)", msg);
}

static size_t ptr_push_key(struct cc *c, const char *k, size_t n)
{
	size_t old = c->ptr.len;

	hs_buf_addc(&c->ptr, '/');
	for (size_t i = 0; i < n; i++) {
		if (k[i] == '~')
			hs_buf_adds(&c->ptr, "~0");
		else if (k[i] == '/')
			hs_buf_adds(&c->ptr, "~1");
		else
			hs_buf_addc(&c->ptr, k[i]);
	}
	return old;
}

static size_t ptr_push_idx(struct cc *c, uint32_t i)
{
	size_t old = c->ptr.len;

	hs_buf_addf(&c->ptr, "/%u", i);
	return old;
}

static void str_of(struct cc *c, uint32_t i, struct hs_buf *out)
{
	hs_buf_reset(out);
	hs_json_str_decode(c->d, i, out);
}

static char *str_dup(struct cc *c, uint32_t i, size_t *n)
{
	struct hs_buf b = HS_BUF_INIT;

	hs_json_str_decode(c->d, i, &b);
	return hs_buf_detach(&b, n);
}

static struct test *test_new(struct cc *c, enum tkind kind, uint32_t cond)
{
	struct hs_pattern *p = c->p;
	struct test *t;

	p->tests =
	    hs_xgrow(p->tests, sizeof *p->tests, p->ntests + 1, &p->captests);
	t = &p->tests[p->ntests++];
	memset(t, 0, sizeof *t);
	t->kind = kind;
	t->cond = cond;
	return t;
}

static void test_adds(struct test *t, char *s, size_t n)
{
	t->s = hs_xrealloc(t->s, (t->ns + 1) * sizeof *t->s);
	t->slen = hs_xrealloc(t->slen, (t->ns + 1) * sizeof *t->slen);
	t->s[t->ns] = s;
	t->slen[t->ns++] = n;
}

/* Compile wildcard text s (decoded) into w, checking its escapes. */
static int wild_compile(struct cc *c, const char *s, size_t n, struct wild *w)
{
	struct hs_buf seg = HS_BUF_INIT;
	int prev_star = 0;

	memset(w, 0, sizeof *w);
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '*') {
			if (i < n && prev_star) {
				hs_buf_release(&seg);
				hs_pat_wild_free(w);
				return bad(c, "consecutive wildcard characters "
				              "are not allowed");
			}
			if (i == 0 && i < n)
				w->star_start = 1;
			if (i == n && prev_star)
				w->star_end = 1;
			if (seg.len || (i == n && !prev_star && n == 0)) {
				size_t l;

				w->seg = hs_xrealloc(
				    w->seg, (w->nseg + 1) * sizeof *w->seg);
				w->seglen = hs_xrealloc(w->seglen,
				                        (w->nseg + 1) *
				                            sizeof *w->seglen);
				w->seg[w->nseg] = hs_buf_detach(&seg, &l);
				w->seglen[w->nseg++] = l;
			}
			prev_star = i < n;
			continue;
		}
		prev_star = 0;
		if (s[i] == '\\') {
			if (i + 1 < n &&
			    (s[i + 1] == '*' || s[i + 1] == '\\')) {
				hs_buf_addc(&seg, s[++i]);
				continue;
			}
			hs_buf_release(&seg);
			hs_pat_wild_free(w);
			return bad(c,
			           "invalid escape in wildcard: only \\* and "
			           "\\\\ are allowed");
		}
		hs_buf_addc(&seg, s[i]);
	}
	hs_buf_release(&seg);
	/* "" has one empty segment and matches only ""; drop the empty one
	 * so the matcher sees nseg 0 without stars. */
	if (w->nseg == 1 && w->seglen[0] == 0 && !w->star_start) {
		free(w->seg[0]);
		w->nseg = 0;
	}
	return 0;
}

static int is_str(struct cc *c, uint32_t i)
{
	return hs_json_type(c->d, i) == HS_JSON_STRING;
}

static int key_is(struct cc *c, uint32_t k, const char *s)
{
	return hs_json_str_eq(c->d, k, s, strlen(s));
}

/*
 * Parse {"equals-ignore-case": "x"} as the value of prefix/suffix, or a
 * plain string.  Sets *ci and *out (owned).  Returns 0 or -1.
 */
static int str_or_ci(struct cc *c, uint32_t v, const char *op, int *ci,
                     char **out, size_t *n)
{
	*ci = 0;
	if (is_str(c, v)) {
		*out = str_dup(c, v, n);
		return 0;
	}
	if (hs_json_type(c->d, v) == HS_JSON_OBJECT &&
	    c->d->nodes[v].count == 1 &&
	    key_is(c, v + 1, "equals-ignore-case")) {
		size_t old = ptr_push_key(c, "equals-ignore-case", 18);

		if (!is_str(c, v + 2))
			return bad(c,
			           "equals-ignore-case inside %s takes a "
			           "string",
			           op);
		hs_buf_setlen(&c->ptr, old);
		*out = fold_own(str_dup(c, v + 2, n), n);
		*ci = 1;
		return 0;
	}
	return bad(c,
	           "%s takes a string or {\"equals-ignore-case\": "
	           "string}",
	           op);
}

/* numeric: ["<", 5], [">=", 0, "<", 10], ["=", 3.0] */
static int numeric_compile(struct cc *c, uint32_t v, struct test *t)
{
	const struct hs_json_doc *d = c->d;
	uint32_t n, e;
	int seen_eq = 0;

	if (hs_json_type(d, v) != HS_JSON_ARRAY)
		return bad(c, "numeric takes an array such as [\">\", 0, "
		              "\"<=\", 5]");
	n = d->nodes[v].count;
	if (n != 2 && n != 4)
		return bad(c, "numeric takes one or two operator/number "
		              "pairs");
	e = v + 1;
	for (uint32_t k = 0; k < n; k += 2) {
		uint32_t num = d->nodes[e].end;
		struct hs_buf op = HS_BUF_INIT;
		size_t old = ptr_push_idx(c, k);
		char *lit;

		if (!is_str(c, e))
			return bad(c, "expected an operator: =, <, <=, >, >=");
		str_of(c, e, &op);
		hs_buf_setlen(&c->ptr, old);
		if (hs_json_type(d, num) != HS_JSON_NUMBER) {
			hs_buf_release(&op);
			ptr_push_idx(c, k + 1);
			return bad(c, "expected a number after the operator");
		}
		lit = hs_xstrndup(hs_json_raw(d, num), d->nodes[num].len);
		ptr_push_idx(c, k);
		if (!strcmp(op.data, "=")) {
			if (n != 2) {
				free(lit);
				hs_buf_release(&op);
				return bad(c, "\"=\" cannot be combined with "
				              "another operator");
			}
			t->lo = lit;
			t->hi = hs_xstrdup(lit);
			t->lo_incl = t->hi_incl = 1;
			seen_eq = 1;
		} else if (!strcmp(op.data, ">") || !strcmp(op.data, ">=")) {
			if (t->lo) {
				free(lit);
				hs_buf_release(&op);
				return bad(c, "two lower bounds");
			}
			t->lo = lit;
			t->lo_incl = op.data[1] == '=';
		} else if (!strcmp(op.data, "<") || !strcmp(op.data, "<=")) {
			if (t->hi) {
				free(lit);
				hs_buf_release(&op);
				return bad(c, "two upper bounds");
			}
			t->hi = lit;
			t->hi_incl = op.data[1] == '=';
		} else {
			free(lit);
			bad(c, "unknown numeric operator '%s'", op.data);
			hs_buf_release(&op);
			return -1;
		}
		hs_buf_release(&op);
		hs_buf_setlen(&c->ptr, old);
		e = d->nodes[num].end;
	}
	if (!seen_eq && t->lo && t->hi &&
	    hs_num_cmp(t->lo, strlen(t->lo), t->hi, strlen(t->hi)) >= 0)
		return bad(c, "the lower bound must be less than the upper "
		              "bound");
	return 0;
}

static int cidr_compile(struct cc *c, uint32_t v, struct test *t)
{
	struct hs_buf s = HS_BUF_INIT;
	const char *errstr = NULL;
	char *slash;
	unsigned long bits;
	char *end;

	if (!is_str(c, v))
		return bad(c, "cidr takes a string such as \"10.0.0.0/24\"");
	str_of(c, v, &s);
	slash = strchr(s.data, '/');
	if (!slash) {
		errstr = "cidr needs a prefix length such as /24";
		goto out;
	}
	*slash = '\0';
	if (inet_pton(AF_INET, s.data, t->addr) == 1)
		t->family = 4;
	else if (inet_pton(AF_INET6, s.data, t->addr) == 1)
		t->family = 6;
	else {
		errstr = "cidr holds no IPv4 or IPv6 address";
		goto out;
	}
	if (!slash[1] || slash[1] < '0' || slash[1] > '9') {
		errstr = "cidr prefix length is not a number";
		goto out;
	}
	bits = strtoul(slash + 1, &end, 10);
	if (*end || bits > (t->family == 4 ? 32u : 128u)) {
		errstr = "cidr prefix length out of range";
		goto out;
	}
	t->bits = (unsigned)bits;
out:
	hs_buf_release(&s);
	return errstr ? bad(c, "%s", errstr) : 0;
}

/*
 * The value of an anything-but: a string, a number, a list of them, or
 * {prefix|suffix|equals-ignore-case|wildcard: string or list}.
 */
static int anything_but_compile(struct cc *c, uint32_t v, uint32_t cond)
{
	const struct hs_json_doc *d = c->d;
	struct hs_buf key = HS_BUF_INIT;
	enum hs_json_type ty = hs_json_type(d, v);
	struct test *t;

	if (ty == HS_JSON_STRING || ty == HS_JSON_NUMBER ||
	    ty == HS_JSON_ARRAY) {
		uint32_t first = ty == HS_JSON_ARRAY ? v + 1 : v;
		uint32_t last =
		    ty == HS_JSON_ARRAY ? d->nodes[v].end : d->nodes[v].end;
		uint32_t idx = 0;
		enum hs_json_type first_ty = hs_json_type(d, first);

		if (ty == HS_JSON_ARRAY && !d->nodes[v].count)
			return bad(c, "anything-but list is empty");
		t = test_new(c, T_AB_VALUES, cond);
		for (uint32_t e = first; e < last; e = d->nodes[e].end, idx++) {
			enum hs_json_type et = hs_json_type(d, e);

			if (et != HS_JSON_STRING && et != HS_JSON_NUMBER) {
				if (ty == HS_JSON_ARRAY)
					ptr_push_idx(c, idx);
				hs_buf_release(&key);
				return bad(c, "anything-but takes strings and "
				              "numbers only");
			}
			/* EventBridge refuses a list of both kinds. */
			if (et != first_ty) {
				ptr_push_idx(c, idx);
				hs_buf_release(&key);
				return bad(
				    c, "anything-but list mixes strings and "
				       "numbers");
			}
			hs_buf_reset(&key);
			hs_buf_addc(&key, et == HS_JSON_STRING ? V_STR : V_NUM);
			if (et == HS_JSON_STRING)
				hs_json_str_decode(d, e, &key);
			else
				hs_pat_num_encode(&key, hs_json_raw(d, e),
				                  d->nodes[e].len);
			test_adds(t, hs_xmemdup(key.data, key.len), key.len);
		}
		hs_buf_release(&key);
		return 0;
	}
	if (ty != HS_JSON_OBJECT || d->nodes[v].count != 1)
		return bad(c, "anything-but takes a string, a number, a list "
		              "or one operator object");
	{
		uint32_t k = v + 1, val = v + 2;
		enum tkind kind;
		uint32_t first, last;
		int ci = 0;

		str_of(c, k, &key);
		ptr_push_key(c, key.data, key.len);
		if (!strcmp(key.data, "prefix"))
			kind = T_AB_PREFIX;
		else if (!strcmp(key.data, "suffix"))
			kind = T_AB_SUFFIX;
		else if (!strcmp(key.data, "equals-ignore-case"))
			kind = T_AB_EQ_CI;
		else if (!strcmp(key.data, "wildcard"))
			kind = T_AB_WILDCARD;
		else {
			bad(c,
			    "unsupported operator inside anything-but: "
			    "'%s'",
			    key.data);
			hs_buf_release(&key);
			return -1;
		}
		t = test_new(c, kind, cond);
		if (hs_json_type(d, val) == HS_JSON_ARRAY) {
			if (!d->nodes[val].count) {
				hs_buf_release(&key);
				return bad(c, "the list is empty");
			}
			first = val + 1;
			last = d->nodes[val].end;
		} else {
			first = val;
			last = d->nodes[val].end;
		}
		for (uint32_t e = first; e < last; e = d->nodes[e].end) {
			char *s;
			size_t n;

			if ((kind == T_AB_PREFIX || kind == T_AB_SUFFIX) &&
			    hs_json_type(d, e) == HS_JSON_OBJECT) {
				if (str_or_ci(c, e, key.data, &ci, &s, &n) <
				    0) {
					hs_buf_release(&key);
					return -1;
				}
				if (ci)
					t->kind = kind == T_AB_PREFIX
					              ? T_AB_PREFIX_CI
					              : T_AB_SUFFIX_CI;
			} else if (!is_str(c, e)) {
				bad(c,
				    "%s inside anything-but takes a string "
				    "or a list of strings",
				    key.data);
				hs_buf_release(&key);
				return -1;
			} else
				s = str_dup(c, e, &n);
			if (kind == T_AB_EQ_CI)
				s = fold_own(s, &n);
			if (kind == T_AB_WILDCARD) {
				struct wild w;

				if (wild_compile(c, s, n, &w) < 0) {
					free(s);
					hs_buf_release(&key);
					return -1;
				}
				free(s);
				t->w = hs_xrealloc(t->w,
				                   (t->nw + 1) * sizeof *t->w);
				t->w[t->nw++] = w;
			} else
				test_adds(t, s, n);
		}
		hs_buf_release(&key);
		return 0;
	}
}

/* One operator object in a value list: {"prefix": "us-"} and the like. */
static int operator_compile(struct cc *c, uint32_t o, uint32_t cond,
                            int *absent_ok)
{
	const struct hs_json_doc *d = c->d;
	struct hs_buf op = HS_BUF_INIT;
	uint32_t v = o + 2;
	struct test *t;
	size_t old;
	int rc = 0, ci;
	char *s;
	size_t n;

	if (d->nodes[o].count != 1)
		return bad(c, "an operator object holds exactly one operator");
	str_of(c, o + 1, &op);
	old = ptr_push_key(c, op.data, op.len);
	if (!strcmp(op.data, "prefix") || !strcmp(op.data, "suffix")) {
		int pre = op.data[0] == 'p';

		rc = str_or_ci(c, v, op.data, &ci, &s, &n);
		if (!rc) {
			t = test_new(c,
			             pre ? (ci ? T_PREFIX_CI : T_PREFIX)
			                 : (ci ? T_SUFFIX_CI : T_SUFFIX),
			             cond);
			test_adds(t, s, n);
		}
	} else if (!strcmp(op.data, "equals-ignore-case")) {
		if (!is_str(c, v))
			rc = bad(c, "equals-ignore-case takes a string");
		else {
			s = fold_own(str_dup(c, v, &n), &n);
			t = test_new(c, T_EQ_CI, cond);
			test_adds(t, s, n);
		}
	} else if (!strcmp(op.data, "wildcard")) {
		struct wild w;

		if (!is_str(c, v))
			rc = bad(c, "wildcard takes a string");
		else {
			s = str_dup(c, v, &n);
			rc = wild_compile(c, s, n, &w);
			free(s);
			if (!rc) {
				t = test_new(c, T_WILDCARD, cond);
				t->w = hs_xmalloc(sizeof *t->w);
				t->w[0] = w;
				t->nw = 1;
			}
		}
	} else if (!strcmp(op.data, "anything-but")) {
		rc = anything_but_compile(c, v, cond);
	} else if (!strcmp(op.data, "numeric")) {
		t = test_new(c, T_NUMERIC, cond);
		rc = numeric_compile(c, v, t);
	} else if (!strcmp(op.data, "cidr")) {
		t = test_new(c, T_CIDR, cond);
		rc = cidr_compile(c, v, t);
	} else if (!strcmp(op.data, "exists")) {
		enum hs_json_type ty = hs_json_type(d, v);

		if (ty == HS_JSON_TRUE)
			test_new(c, T_EXISTS, cond);
		else if (ty == HS_JSON_FALSE)
			*absent_ok = 1;
		else
			rc = bad(c, "exists takes true or false");
	} else {
		rc = bad(c, "unknown operator '%s'", op.data);
	}
	hs_buf_release(&op);
	if (!rc)
		hs_buf_setlen(&c->ptr, old);
	return rc;
}

/* Check one field's value list without compiling it (first pass). */
static int values_check(struct cc *c, uint32_t arr);

/* ---- pattern structure: DNF over $or ---- */

void hs_pat_terms_free(struct terms *ts)
{
	for (size_t i = 0; i < ts->count; i++)
		free(ts->t[i]);
	free(ts->t);
	free(ts->n);
	memset(ts, 0, sizeof *ts);
}

static void terms_push(struct terms *ts, uint32_t *t, size_t n)
{
	ts->t = hs_xrealloc(ts->t, (ts->count + 1) * sizeof *ts->t);
	ts->n = hs_xrealloc(ts->n, (ts->count + 1) * sizeof *ts->n);
	ts->t[ts->count] = t;
	ts->n[ts->count++] = n;
}

/* a := a x b (every term of a joined with every term of b) */
static int terms_cross(struct cc *c, struct terms *a, const struct terms *b)
{
	struct terms r = {0};

	if ((double)a->count * (double)b->count > HS_PATTERN_MAX_TERMS)
		return bad(c, "$or combinations expand to more than %d terms",
		           HS_PATTERN_MAX_TERMS);
	for (size_t i = 0; i < a->count; i++)
		for (size_t j = 0; j < b->count; j++) {
			size_t n = a->n[i] + b->n[j];
			uint32_t *t = hs_xmalloc((n ? n : 1) * sizeof *t);

			if (a->n[i])
				memcpy(t, a->t[i], a->n[i] * sizeof *t);
			if (b->n[j])
				memcpy(t + a->n[i], b->t[j],
				       b->n[j] * sizeof *t);
			terms_push(&r, t, n);
		}
	hs_pat_terms_free(a);
	*a = r;
	return 0;
}

static int is_or(struct cc *c, uint32_t k, uint32_t v)
{
	const struct hs_json_doc *d = c->d;

	if (!key_is(c, k, "$or") || hs_json_type(d, v) != HS_JSON_ARRAY ||
	    !d->nodes[v].count)
		return 0;
	HS_JSON_FOREACH_ELEM(d, v, e)
	if (hs_json_type(d, e) != HS_JSON_OBJECT)
		return 0;
	return 1;
}

/* Compile object o (at field path prefix) into DNF terms *out. */
int hs_pat_object_compile(struct cc *c, uint32_t o, const char *prefix,
                          size_t plen, struct terms *out)
{
	const struct hs_json_doc *d = c->d;
	struct hs_buf key = HS_BUF_INIT;
	int rc = 0;

	memset(out, 0, sizeof *out);
	terms_push(out, hs_xmalloc(sizeof(uint32_t)), 0);
	if (!d->nodes[o].count) {
		rc = bad(c, "an empty object matches nothing");
		goto done;
	}
	HS_JSON_FOREACH_MEMBER(d, o, k)
	{
		uint32_t v = k + 1;
		size_t old;
		struct hs_buf path = HS_BUF_INIT;
		uint32_t kl;

		str_of(c, k, &key);
		old = ptr_push_key(c, key.data, key.len);
		if (is_or(c, k, v)) {
			struct terms alts = {0};
			uint32_t idx = 0;

			if (d->nodes[v].count < 2) {
				rc = bad(c, "$or needs at least two "
				            "alternatives");
				goto done;
			}
			HS_JSON_FOREACH_ELEM(d, v, e)
			{
				struct terms one;
				size_t o2 = ptr_push_idx(c, idx++);

				rc = hs_pat_object_compile(c, e, prefix, plen,
				                           &one);
				if (rc) {
					hs_pat_terms_free(&one);
					hs_pat_terms_free(&alts);
					goto done;
				}
				hs_buf_setlen(&c->ptr, o2);
				for (size_t i = 0; i < one.count; i++)
					terms_push(&alts, one.t[i], one.n[i]);
				free(one.t);
				free(one.n);
				if (alts.count > HS_PATTERN_MAX_TERMS) {
					hs_pat_terms_free(&alts);
					rc = bad(c,
					         "$or combinations expand "
					         "to more than %d terms",
					         HS_PATTERN_MAX_TERMS);
					goto done;
				}
			}
			rc = terms_cross(c, out, &alts);
			hs_pat_terms_free(&alts);
			if (rc)
				goto done;
			hs_buf_setlen(&c->ptr, old);
			continue;
		}
		hs_buf_add(&path, prefix, plen);
		kl = (uint32_t)key.len;
		hs_buf_add(&path, &kl, 4);
		hs_buf_add(&path, key.data, key.len);
		if (hs_json_type(d, v) == HS_JSON_OBJECT) {
			struct terms sub;

			rc = hs_pat_object_compile(c, v, path.data, path.len,
			                           &sub);
			if (!rc)
				rc = terms_cross(c, out, &sub);
			hs_pat_terms_free(&sub);
		} else if (hs_json_type(d, v) == HS_JSON_ARRAY) {
			rc = values_check(c, v);
			if (!rc) {
				struct cc *cx = c;
				uint32_t si = (uint32_t)cx->nspecs;

				cx->specs =
				    hs_xgrow(cx->specs, sizeof *cx->specs,
				             cx->nspecs + 1, &cx->capspecs);
				cx->specs[si].path = hs_buf_detach(
				    &path, &cx->specs[si].pathlen);
				cx->specs[si].vals = v;
				cx->nspecs++;
				for (size_t i = 0; i < out->count; i++) {
					out->t[i] = hs_xrealloc(
					    out->t[i],
					    (out->n[i] + 1) * sizeof(uint32_t));
					out->t[i][out->n[i]++] = si;
				}
			}
		} else {
			rc = bad(c, "a field's value must be an object or "
			            "an array of values");
		}
		hs_buf_release(&path);
		if (rc)
			goto done;
		hs_buf_setlen(&c->ptr, old);
	}
done:
	hs_buf_release(&key);
	return rc;
}

/*
 * First pass over a value list: compile its tests into a throwaway
 * condition so every error is found before the set changes.  The tests
 * made are removed again by the caller's rollback.
 */
static int values_check(struct cc *c, uint32_t arr)
{
	const struct hs_json_doc *d = c->d;
	uint32_t idx = 0;
	int absent_ok = 0;

	if (!d->nodes[arr].count)
		return bad(c, "an empty list of values matches nothing");
	HS_JSON_FOREACH_ELEM(d, arr, e)
	{
		size_t old = ptr_push_idx(c, idx++);
		enum hs_json_type ty = hs_json_type(d, e);

		if (ty == HS_JSON_ARRAY)
			return bad(c, "a value cannot be an array");
		if (ty == HS_JSON_OBJECT &&
		    operator_compile(c, e, UINT32_MAX, &absent_ok) < 0)
			return -1;
		hs_buf_setlen(&c->ptr, old);
	}
	return 0;
}

/* Build condition cond's tests and exact values from value list arr. */
void hs_pat_cond_build(struct cc *c, uint32_t cond, uint32_t arr)
{
	struct hs_pattern *p = c->p;
	const struct hs_json_doc *d = c->d;
	struct hs_buf key = HS_BUF_INIT;
	size_t t0 = p->ntests;
	int absent_ok = 0;

	HS_JSON_FOREACH_ELEM(d, arr, e)
	{
		enum hs_json_type ty = hs_json_type(d, e);
		struct cond *cd = &p->conds[cond];
		int vt;

		if (ty == HS_JSON_OBJECT) {
			operator_compile(c, e, cond, &absent_ok);
			continue;
		}
		hs_buf_reset(&key);
		switch (ty) {
		case HS_JSON_STRING:
			vt = V_STR;
			hs_json_str_decode(d, e, &key);
			break;
		case HS_JSON_NUMBER:
			vt = V_NUM;
			hs_pat_num_encode(&key, hs_json_raw(d, e),
			                  d->nodes[e].len);
			break;
		case HS_JSON_TRUE:
			vt = V_TRUE;
			break;
		case HS_JSON_FALSE:
			vt = V_FALSE;
			break;
		default:
			vt = V_NULL;
			break;
		}
		{
			char *k = hs_xmalloc(key.len + 1);

			k[0] = (char)vt;
			memcpy(k + 1, key.data, key.len);
			cd->keys = hs_xrealloc(cd->keys, (cd->nkeys + 1) *
			                                     sizeof *cd->keys);
			cd->klen = hs_xrealloc(cd->klen, (cd->nkeys + 1) *
			                                     sizeof *cd->klen);
			cd->keys[cd->nkeys] = k;
			cd->klen[cd->nkeys++] = key.len + 1;
		}
	}
	hs_buf_release(&key);
	{
		struct cond *cd = &p->conds[cond];

		cd->absent_ok = absent_ok;
		cd->ntests = (uint32_t)(p->ntests - t0);
		cd->tests = hs_xmalloc((cd->ntests + 1) * sizeof *cd->tests);
		for (size_t i = t0; i < p->ntests; i++)
			cd->tests[i - t0] = (uint32_t)i;
	}
}
