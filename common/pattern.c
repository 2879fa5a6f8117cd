/*
 * pattern.c: EventBridge event patterns compiled into one matcher.
 *
 * This file owns parsing and compiling patterns, the trie, the value hash
 * table and building the per-subrule index (numeric index included).  It
 * does not own matching events or explain output: pattern-match.c does,
 * on top of this file (never the other way round); shared types are in
 * pattern-int.h.
 *
 * Compilation turns each pattern into disjunctive normal form: $or
 * alternatives multiply out into "subrules", each a list of conditions
 * that must all hold.  A condition is one field path with its list of
 * value tests (any may match).  Paths live in one trie; a condition hangs
 * on its path's trie node.  Exact values go into a hash table keyed by
 * (node, type, bytes); case-sensitive prefixes there too; numeric tests
 * in a per-node index once there are several (struct numidx); every
 * other test sits in its node's test list.
 *
 * Once all patterns are in, each subrule indexes one positive condition,
 * its most selective (see build_index()), plus those that accept absence
 * (exists:false).  Matching walks the event only through members whose
 * names are trie children.  Each leaf met marks its node seen and looks
 * up its exact value and the node's tests; a hit on a subrule's key makes
 * it a candidate, and candidates are then checked directly on the event
 * (their other conditions, element-consistently inside arrays of
 * objects, as EventBridge does) and against the absence conditions.
 * Stamps with a generation number make per-event reset free.
 *
 * hs_pattern_match_line() lets the trie steer the JSON parser
 * (hs_json_parse_select()), so only members on trie paths become nodes.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pattern-int.h"
#include "banned.h"

/* ---- hashing ---- */

uint64_t hs_pat_hash_key(uint32_t owner, int kind, int vtype, const char *k,
                         size_t n)
{
	uint64_t h = 1469598103934665603ull;

	h = (h ^ owner) * 1099511628211ull;
	h = (h ^ (uint64_t)(kind << 8 | vtype)) * 1099511628211ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 1099511628211ull;
	return h ^ (h >> 29);
}

uint32_t hs_pat_ent_find(const struct hs_pattern *p, uint64_t h, uint32_t owner,
                         int kind, int vtype, const char *k, size_t n)
{
	size_t mask, i;

	if (!p->nslots)
		return UINT32_MAX;
	mask = p->nslots - 1;
	for (i = h & mask; p->slots[i]; i = (i + 1) & mask) {
		const struct ent *e = &p->ents[p->slots[i] - 1];

		if (e->h == h && e->owner == owner && e->kind == kind &&
		    e->vtype == vtype && e->klen == n &&
		    !memcmp(p->arena.data + e->koff, k, n))
			return p->slots[i] - 1;
	}
	return UINT32_MAX;
}

static void slots_grow(struct hs_pattern *p)
{
	size_t n = p->nslots ? p->nslots * 2 : 64;

	free(p->slots);
	p->slots = hs_xcalloc(n, sizeof *p->slots);
	p->nslots = n;
	for (size_t e = 0; e < p->nents; e++) {
		size_t i = p->ents[e].h & (n - 1);

		while (p->slots[i])
			i = (i + 1) & (n - 1);
		p->slots[i] = (uint32_t)e + 1;
	}
}

static uint32_t arena_add(struct hs_pattern *p, const char *k, size_t n)
{
	uint32_t off = (uint32_t)p->arena.len;

	hs_buf_add(&p->arena, k, n);
	return off;
}

/* The entry for (owner, kind, vtype, key), created if absent. */
static uint32_t ent_get(struct hs_pattern *p, uint32_t owner, int kind,
                        int vtype, const char *k, size_t n)
{
	uint64_t h = hs_pat_hash_key(owner, kind, vtype, k, n);
	uint32_t e = hs_pat_ent_find(p, h, owner, kind, vtype, k, n);
	struct ent *en;

	if (e != UINT32_MAX)
		return e;
	p->ents = hs_xgrow(p->ents, sizeof *p->ents, p->nents + 1, &p->capents);
	e = (uint32_t)p->nents++;
	en = &p->ents[e];
	memset(en, 0, sizeof *en);
	en->h = h;
	en->owner = owner;
	en->kind = (uint8_t)kind;
	en->vtype = (uint8_t)vtype;
	en->koff = arena_add(p, k, n);
	en->klen = (uint32_t)n;
	en->child = UINT32_MAX;
	if (p->nents * 2 > p->nslots)
		slots_grow(p);
	else {
		size_t i = h & (p->nslots - 1);

		while (p->slots[i])
			i = (i + 1) & (p->nslots - 1);
		p->slots[i] = e + 1;
	}
	return e;
}

/* ---- value encoding: exact values compare as (type, bytes) ---- */

/*
 * Numbers encode their exact value: sign, 64-bit exponent and significant
 * digits, so 3, 3.0 and 30e-1 encode alike.
 */
void hs_pat_num_encode(struct hs_buf *out, const char *s, size_t n)
{
	struct hs_num_dec v;

	if (hs_num_dec_parse(&v, s, n) < 0) {
		hs_buf_add(out, s, n);
		return;
	}
	hs_buf_addc(out, v.ndigits ? (v.neg ? '-' : '+') : '0');
	if (v.ndigits) {
		hs_buf_add(out, &v.exp, sizeof v.exp);
		hs_buf_add(out, v.digits, v.ndigits);
	}
	hs_num_dec_release(&v);
}

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

/* ---- wildcard ---- */

/* memmem(3), which POSIX lacks */
static const char *find(const char *h, size_t hn, const char *n, size_t nn)
{
	if (!nn)
		return h;
	for (size_t i = 0; i + nn <= hn; i++) {
		const char *c = memchr(h + i, n[0], hn - nn + 1 - i);

		if (!c)
			return NULL;
		i = (size_t)(c - h);
		if (!memcmp(c, n, nn))
			return c;
	}
	return NULL;
}

int hs_pat_wild_match(const struct wild *w, const char *s, size_t n)
{
	size_t pos = 0, first = 0, last = w->nseg;

	if (!w->star_start) {
		if (!w->nseg)
			return n == 0;
		if (w->seglen[0] > n || memcmp(s, w->seg[0], w->seglen[0]))
			return 0;
		if (w->nseg == 1 && !w->star_end)
			return w->seglen[0] == n;
		pos = w->seglen[0];
		first = 1;
	}
	if (!w->star_end && last > first) {
		size_t l = w->seglen[last - 1];

		if (l > n - pos || memcmp(s + n - l, w->seg[last - 1], l))
			return 0;
		n -= l;
		last--;
	}
	for (size_t i = first; i < last; i++) {
		const char *f;

		if (w->seglen[i] > n - pos)
			return 0;
		f = find(s + pos, n - pos, w->seg[i], w->seglen[i]);
		if (!f)
			return 0;
		pos = (size_t)(f - s) + w->seglen[i];
	}
	return 1;
}

static void wild_free(struct wild *w)
{
	for (size_t i = 0; i < w->nseg; i++)
		free(w->seg[i]);
	free(w->seg);
	free(w->seglen);
}

/* ---- compile-time context ---- */

struct cc {
	struct hs_pattern *p;
	const struct hs_json_doc *d;
	struct hs_buf ptr; /* JSON pointer of the node in hand */
	char *errbuf;
	size_t errlen;
	struct hs_buf tmp;
	/* leaf specs of the pattern being compiled */
	struct spec {
		char *path; /* keys, each as uint32 length + bytes */
		size_t pathlen;
		uint32_t vals; /* the value array node */
	} * specs;
	size_t nspecs, capspecs;
};

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
				wild_free(w);
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
			wild_free(w);
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

/* ---- the trie ---- */

static uint32_t node_new(struct hs_pattern *p, uint32_t parent, const char *k,
                         size_t n)
{
	struct node *nd;
	uint32_t id;

	p->nodes =
	    hs_xgrow(p->nodes, sizeof *p->nodes, p->nnodes + 1, &p->capnodes);
	id = (uint32_t)p->nnodes++;
	nd = &p->nodes[id];
	memset(nd, 0, sizeof *nd);
	nd->parent = parent;
	if (parent == UINT32_MAX) {
		nd->path = hs_xstrdup("");
		return id;
	}
	nd->depth = p->nodes[parent].depth + 1;
	nd->koff = arena_add(p, k, n);
	nd->klen = (uint32_t)n;
	{
		struct hs_buf b = HS_BUF_INIT;
		size_t l;

		if (p->nodes[parent].path[0]) {
			hs_buf_adds(&b, p->nodes[parent].path);
			hs_buf_addc(&b, '.');
		}
		hs_buf_add(&b, k, n);
		p->nodes[id].path = hs_buf_detach(&b, &l);
	}
	p->nodes[parent].nchild++;
	return id;
}

static uint32_t trie_insert(struct hs_pattern *p, const char *path, size_t len)
{
	uint32_t cur = 0;
	size_t i = 0;

	while (i < len) {
		uint32_t kl;
		uint32_t e;

		memcpy(&kl, path + i, 4);
		i += 4;
		e = ent_get(p, cur, E_CHILD, 0, path + i, kl);
		if (p->ents[e].child == UINT32_MAX) {
			uint32_t ch = node_new(p, cur, path + i, kl);

			p->ents[e].child = ch;
		}
		cur = p->ents[e].child;
		i += kl;
	}
	return cur;
}

/* ---- pattern structure: DNF over $or ---- */

struct terms {
	uint32_t **t; /* each term: spec indices */
	size_t *n;
	size_t count;
};

static void terms_free(struct terms *ts)
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
	terms_free(a);
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
static int object_compile(struct cc *c, uint32_t o, const char *prefix,
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

				rc = object_compile(c, e, prefix, plen, &one);
				if (rc) {
					terms_free(&one);
					terms_free(&alts);
					goto done;
				}
				hs_buf_setlen(&c->ptr, o2);
				for (size_t i = 0; i < one.count; i++)
					terms_push(&alts, one.t[i], one.n[i]);
				free(one.t);
				free(one.n);
				if (alts.count > HS_PATTERN_MAX_TERMS) {
					terms_free(&alts);
					rc = bad(c,
					         "$or combinations expand "
					         "to more than %d terms",
					         HS_PATTERN_MAX_TERMS);
					goto done;
				}
			}
			rc = terms_cross(c, out, &alts);
			terms_free(&alts);
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

			rc = object_compile(c, v, path.data, path.len, &sub);
			if (!rc)
				rc = terms_cross(c, out, &sub);
			terms_free(&sub);
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
static void cond_build(struct cc *c, uint32_t cond, uint32_t arr)
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

static void test_release(struct test *t)
{
	for (size_t i = 0; i < t->ns; i++)
		free(t->s[i]);
	free(t->s);
	free(t->slen);
	for (size_t i = 0; i < t->nw; i++)
		wild_free(&t->w[i]);
	free(t->w);
	free(t->lo);
	free(t->hi);
}

/* A copy of JSON text without whitespace outside strings. */
static char *compact(const char *s, size_t n)
{
	char *r = hs_xmalloc(n + 1), *o = r;
	int in = 0;

	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (in) {
			*o++ = ch;
			if (ch == '\\' && i + 1 < n)
				*o++ = s[++i];
			else if (ch == '"')
				in = 0;
		} else if (ch == '"') {
			*o++ = ch;
			in = 1;
		} else if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r')
			*o++ = ch;
	}
	*o = '\0';
	return r;
}

struct hs_pattern *hs_pattern_new(void)
{
	struct hs_pattern *p = hs_xcalloc(1, sizeof *p);

	hs_buf_init(&p->arena);
	node_new(p, UINT32_MAX, "", 0);
	return p;
}

static void numidx_free(struct numidx *x);

void hs_pattern_free(struct hs_pattern *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nnodes; i++) {
		free(p->nodes[i].tests);
		free(p->nodes[i].plens);
		numidx_free(p->nodes[i].num);
		free(p->nodes[i].path);
	}
	for (size_t i = 0; i < p->nconds; i++) {
		struct cond *cd = &p->conds[i];

		for (size_t k = 0; k < cd->nkeys; k++)
			free(cd->keys[k]);
		free(cd->keys);
		free(cd->klen);
		free(cd->tests);
		free(cd->desc);
	}
	for (size_t i = 0; i < p->nsubs; i++)
		free(p->subs[i].conds);
	for (size_t i = 0; i < p->ntests; i++)
		test_release(&p->tests[i]);
	for (size_t i = 0; i < p->nents; i++)
		free(p->ents[i].conds);
	free(p->nodes);
	free(p->conds);
	free(p->subs);
	free(p->tests);
	free(p->ents);
	free(p->slots);
	free(p->always);
	hs_buf_release(&p->arena);
	free(p);
}

unsigned hs_pattern_count(const struct hs_pattern *p)
{
	return p->nrules;
}

int hs_pattern_add(struct hs_pattern *p, const char *text, size_t len,
                   unsigned *id, char *errbuf, size_t errlen)
{
	struct hs_json_doc d;
	struct cc c;
	struct terms ts = {0};
	size_t ntests0 = p->ntests;
	int rc = -1;

	if (p->frozen)
		return hs_seterr(errbuf, errlen,
		                 "(root): patterns cannot be added after "
		                 "matching started");
	memset(&c, 0, sizeof c);
	c.p = p;
	c.d = &d;
	c.errbuf = errbuf;
	c.errlen = errlen;
	hs_buf_init(&c.ptr);
	hs_buf_init(&c.tmp);
	hs_json_doc_init(&d);
	if (hs_json_parse(&d, text, len) < 0) {
		hs_seterr(errbuf, errlen, "byte %zu: %s", d.err_off + 1, d.err);
		goto out;
	}
	if (hs_json_type(&d, 0) != HS_JSON_OBJECT) {
		bad(&c, "a pattern must be a JSON object");
		goto out;
	}
	/* First pass: structure and every value list, compiled into tests
	 * with no condition, then dropped: the set stays as it was on
	 * error. */
	rc = object_compile(&c, 0, "", 0, &ts);
	for (size_t i = ntests0; i < p->ntests; i++)
		test_release(&p->tests[i]);
	p->ntests = ntests0;
	if (rc)
		goto out;
	for (size_t t = 0; t < ts.count; t++) {
		struct sub *sb;
		uint32_t sid;

		p->subs = hs_xgrow(p->subs, sizeof *p->subs, p->nsubs + 1,
		                   &p->capsubs);
		sid = (uint32_t)p->nsubs++;
		sb = &p->subs[sid];
		memset(sb, 0, sizeof *sb);
		sb->rule = p->nrules;
		sb->conds = hs_xmalloc((ts.n[t] + 1) * sizeof *sb->conds);
		for (size_t i = 0; i < ts.n[t]; i++) {
			const struct spec *sp = &c.specs[ts.t[t][i]];
			uint32_t cid;
			struct cond *cd;

			p->conds = hs_xgrow(p->conds, sizeof *p->conds,
			                    p->nconds + 1, &p->capconds);
			cid = (uint32_t)p->nconds++;
			cd = &p->conds[cid];
			memset(cd, 0, sizeof *cd);
			cd->sub = sid;
			cd->node = trie_insert(p, sp->path, sp->pathlen);
			cd->desc = compact(hs_json_raw(&d, sp->vals),
			                   d.nodes[sp->vals].len);
			cond_build(&c, cid, sp->vals);
			sb = &p->subs[sid];
			sb->conds[sb->ncond++] = cid;
			if (!p->conds[cid].absent_ok)
				sb->need++;
		}
		sb->npos = sb->need;
	}
	if (id)
		*id = p->nrules;
	p->nrules++;
	rc = 0;
out:
	terms_free(&ts);
	for (size_t i = 0; i < c.nspecs; i++)
		free(c.specs[i].path);
	free(c.specs);
	hs_buf_release(&c.ptr);
	hs_buf_release(&c.tmp);
	hs_json_doc_release(&d);
	return rc;
}

/* ---- matching ---- */

/* Note prefix length n at node nd (a sorted set). */
static void plen_add(struct node *nd, uint32_t n)
{
	uint32_t i = 0;

	while (i < nd->nplens && nd->plens[i] < n)
		i++;
	if (i < nd->nplens && nd->plens[i] == n)
		return;
	nd->plens = hs_xgrow(nd->plens, sizeof *nd->plens, nd->nplens + 1,
	                     &nd->capplens);
	memmove(nd->plens + i + 1, nd->plens + i,
	        (nd->nplens - i) * sizeof *nd->plens);
	nd->plens[i] = n;
	nd->nplens++;
}

/* Add condition cid's entry to the list of entry en (once). */
static void ent_add_cond(struct hs_pattern *p, uint32_t en, uint32_t cid)
{
	struct ent *x = &p->ents[en];

	if (!x->nconds || x->conds[x->nconds - 1] != cid) {
		x->conds = hs_xgrow(x->conds, sizeof *x->conds, x->nconds + 1,
		                    &x->capc);
		x->conds[x->nconds++] = cid;
	}
}

/*
 * Index condition cid at its node: exact values in the hash table; case-
 * sensitive prefixes there too, keyed (node, E_PREFIX, prefix), with the
 * node's set of prefix lengths, so a string leaf costs one lookup per
 * distinct length, however many rules name prefixes there; other tests
 * go on the node's list.
 */
static void index_cond(struct hs_pattern *p, uint32_t cid)
{
	struct cond *cd = &p->conds[cid];

	for (size_t k = 0; k < cd->nkeys; k++) {
		uint32_t en =
		    ent_get(p, cd->node, E_VALUE, (unsigned char)cd->keys[k][0],
		            cd->keys[k] + 1, cd->klen[k] - 1);
		uint32_t had = p->ents[en].nconds;

		ent_add_cond(p, en, cid);
		if (p->ents[en].nconds != had)
			p->nodes[cd->node].nexact++;
	}
	for (uint32_t i = 0; i < cd->ntests; i++) {
		const struct test *t = &p->tests[cd->tests[i]];
		struct node *nd = &p->nodes[cd->node];

		if (t->kind == T_PREFIX) {
			for (size_t k = 0; k < t->ns; k++) {
				uint32_t en =
				    ent_get(p, cd->node, E_PREFIX, V_STR,
				            t->s[k], t->slen[k]);

				ent_add_cond(p, en, cid);
				plen_add(&p->nodes[cd->node],
				         (uint32_t)t->slen[k]);
			}
			continue;
		}
		nd->tests = hs_xgrow(nd->tests, sizeof *nd->tests,
		                     nd->ntests + 1, &nd->captests);
		nd->tests[nd->ntests++] = cd->tests[i];
	}
}

/*
 * Once all patterns are in: each subrule indexes only one positive
 * condition, its most selective (exact values shared by the fewest
 * conditions; operators count as unselective), and every absence-
 * accepting one.  A hit on the key makes the subrule a candidate; its
 * other conditions are then checked on the event directly.  So a value
 * every rule names (a common "detail-type") costs nothing per rule.
 */
static void numidx_build(struct hs_pattern *p, struct node *nd);

void hs_pat_build_index(struct hs_pattern *p)
{
	for (size_t c = 0; c < p->nconds; c++) {
		const struct cond *cd = &p->conds[c];

		for (size_t k = 0; k < cd->nkeys; k++) {
			/* ent_get() may move p->ents: index after it */
			uint32_t en = ent_get(p, cd->node, E_VALUE,
			                      (unsigned char)cd->keys[k][0],
			                      cd->keys[k] + 1, cd->klen[k] - 1);

			p->ents[en].uses++;
		}
	}
	for (size_t s = 0; s < p->nsubs; s++) {
		struct sub *sb = &p->subs[s];
		uint64_t best = UINT64_MAX;

		sb->key = UINT32_MAX;
		for (uint32_t i = 0; i < sb->ncond; i++) {
			uint32_t cid = sb->conds[i];
			const struct cond *cd = &p->conds[cid];
			uint64_t score = 0;

			if (cd->absent_ok)
				continue;
			if (cd->ntests)
				score = UINT32_MAX + (uint64_t)cd->ntests;
			for (size_t k = 0; k < cd->nkeys; k++) {
				uint32_t en = hs_pat_ent_find(
				    p,
				    hs_pat_hash_key(
				        cd->node, E_VALUE,
				        (unsigned char)cd->keys[k][0],
				        cd->keys[k] + 1, cd->klen[k] - 1),
				    cd->node, E_VALUE,
				    (unsigned char)cd->keys[k][0],
				    cd->keys[k] + 1, cd->klen[k] - 1);

				score += p->ents[en].uses;
			}
			if (score < best) {
				best = score;
				sb->key = cid;
			}
		}
		for (uint32_t i = 0; i < sb->ncond; i++)
			if (p->conds[sb->conds[i]].absent_ok ||
			    sb->conds[i] == sb->key)
				index_cond(p, sb->conds[i]);
		sb->need = sb->key != UINT32_MAX;
		if (!sb->need) {
			p->always = hs_xgrow(p->always, sizeof *p->always,
			                     p->nalways + 1, &p->capalways);
			p->always[p->nalways++] = (uint32_t)s;
		}
	}
	for (size_t i = 0; i < p->nnodes; i++)
		numidx_build(p, &p->nodes[i]);
}

/* ---- the numeric index ---- */

/*
 * Below this many numeric tests on one field the linear scan is as fast
 * as the index; past the item bound (about 64 MiB) the index would cost
 * more memory than it is worth, and the tests stay linear too.
 */
#define NUM_INDEX_MIN 8
#define NUM_INDEX_MAX_ITEMS (1u << 24)

/*
 * An order key of number literal s[0..n) into out: memcmp() orders keys
 * as the exact values of their literals, and equal values (3, 3.0,
 * 30e-1) have equal keys.  A class byte (negative, zero, positive), then
 * for nonzero values the biased big-endian exponent and the significant
 * digits of hs_num_dec; negatives are bitwise inverted and end in 0xff,
 * so a longer digit string sorts before its own prefix there.
 */
void hs_pat_num_key(struct hs_buf *out, const char *s, size_t n)
{
	struct hs_num_dec v;
	unsigned char inv;
	uint64_t e;

	hs_buf_reset(out);
	if (hs_num_dec_parse(&v, s, n) < 0) {
		hs_buf_addc(out, 1); /* not a number: cannot happen here */
		return;
	}
	if (!v.ndigits) {
		hs_buf_addc(out, 1);
		hs_num_dec_release(&v);
		return;
	}
	inv = v.neg ? 0xff : 0;
	hs_buf_addc(out, v.neg ? 0 : 2);
	e = (uint64_t)v.exp ^ (1ull << 63);
	for (int i = 7; i >= 0; i--)
		hs_buf_addc(out, (char)((unsigned char)(e >> (8 * i)) ^ inv));
	for (size_t i = 0; i < v.ndigits; i++)
		hs_buf_addc(out, (char)((unsigned char)v.digits[i] ^ inv));
	if (v.neg)
		hs_buf_addc(out, (char)0xff);
	hs_num_dec_release(&v);
}

static int key_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int r = memcmp(a, b, an < bn ? an : bn);

	return r ? r : (an > bn) - (an < bn);
}

struct bound_ref {
	char *k;
	size_t n;
};

static int bound_cmp(const void *a, const void *b)
{
	const struct bound_ref *x = a, *y = b;

	return key_cmp(x->k, x->n, y->k, y->n);
}

/* The slot of order key k: 2i + 1 if it is bound i, else 2i (below
 * bound i).  A binary search for the first bound >= k. */
uint32_t hs_pat_num_slot(const struct numidx *x, const char *k, size_t n)
{
	uint32_t lo = 0, hi = x->nb;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (key_cmp(x->key[mid], x->klen[mid], k, n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 2 * lo +
	       (lo < x->nb && !key_cmp(x->key[lo], x->klen[lo], k, n) ? 1 : 0);
}

/* The slot of literal lit (tmp: scratch). */
static uint32_t lit_slot(const struct numidx *x, const char *lit,
                         struct hs_buf *tmp)
{
	hs_pat_num_key(tmp, lit, strlen(lit));
	return hs_pat_num_slot(x, tmp->data, tmp->len);
}

/* The run of slots [*a, *b] test t accepts; 0 if it accepts none. */
static int num_run(const struct numidx *x, const struct test *t, uint32_t *a,
                   uint32_t *b, struct hs_buf *tmp)
{
	uint32_t last = 2 * x->nb;

	*a = 0;
	*b = last;
	if (t->lo) {
		*a = lit_slot(x, t->lo, tmp);
		if (!t->lo_incl)
			(*a)++;
	}
	if (t->hi) {
		*b = lit_slot(x, t->hi, tmp);
		if (!t->hi_incl) {
			if (!*b)
				return 0;
			(*b)--;
		}
	}
	return *a <= *b;
}

/*
 * Call fn(tree node) for the O(log) segment tree nodes covering slots
 * [a, b]: the classic bottom-up decomposition.
 */
static void seg_cover(const struct numidx *x, uint32_t a, uint32_t b,
                      uint32_t *count, uint32_t *fill, uint32_t tid)
{
	uint32_t l = a + x->leaves, r = b + x->leaves + 1;

	while (l < r) {
		if (l & 1) {
			if (count)
				count[l]++;
			else
				x->items[fill[l]++] = tid;
			l++;
		}
		if (r & 1) {
			r--;
			if (count)
				count[r]++;
			else
				x->items[fill[r]++] = tid;
		}
		l >>= 1;
		r >>= 1;
	}
}

static void numidx_free(struct numidx *x)
{
	if (!x)
		return;
	for (uint32_t i = 0; i < x->nb; i++)
		free(x->key[i]);
	free(x->key);
	free(x->klen);
	free(x->start);
	free(x->items);
	free(x);
}

/*
 * Move node nd's numeric tests into an index when there are enough of
 * them; the rest of the node's tests stay in its linear list.
 */
static void numidx_build(struct hs_pattern *p, struct node *nd)
{
	struct bound_ref *refs;
	struct numidx *x;
	struct hs_buf tmp = HS_BUF_INIT;
	uint32_t nnum = 0, nref = 0, keep = 0, *count, *fill;
	size_t items = 0, levels = 1;

	for (uint32_t i = 0; i < nd->ntests; i++)
		if (p->tests[nd->tests[i]].kind == T_NUMERIC)
			nnum++;
	if (nnum < NUM_INDEX_MIN)
		return;
	refs = hs_xmalloc(2 * nnum * sizeof *refs);
	for (uint32_t i = 0; i < nd->ntests; i++) {
		const struct test *t = &p->tests[nd->tests[i]];
		const char *lit[2] = {t->lo, t->hi};

		if (t->kind != T_NUMERIC)
			continue;
		for (int k = 0; k < 2; k++)
			if (lit[k]) {
				hs_pat_num_key(&tmp, lit[k], strlen(lit[k]));
				refs[nref].k = hs_xmemdup(tmp.data, tmp.len);
				refs[nref++].n = tmp.len;
			}
	}
	qsort(refs, nref, sizeof *refs, bound_cmp);
	x = hs_xcalloc(1, sizeof *x);
	x->key = hs_xmalloc((nref + 1) * sizeof *x->key);
	x->klen = hs_xmalloc((nref + 1) * sizeof *x->klen);
	for (uint32_t i = 0; i < nref; i++) {
		if (x->nb && !key_cmp(x->key[x->nb - 1], x->klen[x->nb - 1],
		                      refs[i].k, refs[i].n)) {
			free(refs[i].k);
			continue;
		}
		x->key[x->nb] = refs[i].k;
		x->klen[x->nb++] = refs[i].n;
	}
	free(refs);
	x->leaves = 1;
	while (x->leaves < 2 * x->nb + 1) {
		x->leaves *= 2;
		levels++;
	}
	if ((size_t)nnum * 2 * levels > NUM_INDEX_MAX_ITEMS) {
		numidx_free(x);
		hs_buf_release(&tmp);
		return;
	}
	/* two passes: count the items per tree node, then fill them */
	count = hs_xcalloc(2 * (size_t)x->leaves + 1, sizeof *count);
	for (uint32_t i = 0; i < nd->ntests; i++) {
		const struct test *t = &p->tests[nd->tests[i]];
		uint32_t a, b;

		if (t->kind == T_NUMERIC && num_run(x, t, &a, &b, &tmp))
			seg_cover(x, a, b, count, NULL, 0);
	}
	x->start = hs_xmalloc((2 * (size_t)x->leaves + 1) * sizeof *x->start);
	for (size_t i = 0; i < 2 * (size_t)x->leaves; i++) {
		x->start[i] = (uint32_t)items;
		items += count[i];
	}
	x->start[2 * (size_t)x->leaves] = (uint32_t)items;
	x->items = hs_xmalloc((items + 1) * sizeof *x->items);
	fill = count;
	memcpy(fill, x->start, 2 * (size_t)x->leaves * sizeof *fill);
	for (uint32_t i = 0; i < nd->ntests; i++) {
		uint32_t tid = nd->tests[i];
		const struct test *t = &p->tests[tid];
		uint32_t a, b;

		if (t->kind != T_NUMERIC) {
			nd->tests[keep++] = tid;
			continue;
		}
		if (num_run(x, t, &a, &b, &tmp))
			seg_cover(x, a, b, NULL, fill, tid);
	}
	free(count);
	hs_buf_release(&tmp);
	nd->ntests = keep;
	nd->num = x;
}
