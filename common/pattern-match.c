/*
 * pattern-match.c: matching events against a compiled pattern set.
 *
 * This file owns the matcher state (hs_pattern_match_init/release), the
 * per-operator value tests at match time, the event walk along the trie,
 * candidate verification, hs_pattern_match_line() and hs_pattern_explain().
 * It does not own compiling patterns or building the index: pattern.c
 * does; this file only calls into it (see pattern-int.h).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pattern-int.h"
#include "banned.h"

void hs_pattern_match_init(struct hs_pattern_match *m,
                           const struct hs_pattern *p)
{
	size_t words = p->nrules / 64 + 1;

	memset(m, 0, sizeof *m);
	if (!p->frozen) {
		/* the set's index is built once, by the first matcher */
		hs_pat_build_index((struct hs_pattern *)p);
		((struct hs_pattern *)p)->frozen = 1;
	}
	m->hits = hs_xcalloc(p->nrules + 1, sizeof *m->hits);
	m->bits = hs_xcalloc(words, sizeof *m->bits);
	m->cond_hit = hs_xcalloc(p->nconds + 1, sizeof *m->cond_hit);
	m->node_seen = hs_xcalloc(p->nnodes + 1, sizeof *m->node_seen);
	m->sub_stamp = hs_xcalloc(p->nsubs + 1, sizeof *m->sub_stamp);
	m->sub_count = hs_xcalloc(p->nsubs + 1, sizeof *m->sub_count);
	m->rule_sub = hs_xcalloc(p->nrules + 1, sizeof *m->rule_sub);
	m->cands = hs_xcalloc(p->nsubs + 1, sizeof *m->cands);
	m->scratch = hs_xcalloc(3, sizeof *m->scratch);
	for (int i = 0; i < 3; i++)
		hs_buf_init(&m->scratch[i]);
}

void hs_pattern_match_release(struct hs_pattern_match *m)
{
	free(m->hits);
	free(m->bits);
	free(m->cond_hit);
	free(m->node_seen);
	free(m->sub_stamp);
	free(m->sub_count);
	free(m->rule_sub);
	free(m->cands);
	if (m->scratch) {
		for (int i = 0; i < 3; i++)
			hs_buf_release(&m->scratch[i]);
		free(m->scratch);
	}
	memset(m, 0, sizeof *m);
}

/* A leaf as matching sees it: type and (for strings) decoded bytes. */
struct leaf {
	const struct hs_json_doc *d;
	uint32_t i;
	int vt;
	const char *s; /* strings: content; numbers: literal */
	size_t n;
	const char *folded; /* lazily folded string */
	size_t fn;          /* its length (folding may change it) */
};

static void leaf_view(struct leaf *lf, const struct hs_json_doc *d, uint32_t i,
                      struct hs_buf *tmp)
{
	lf->d = d;
	lf->i = i;
	lf->folded = NULL;
	switch (hs_json_type(d, i)) {
	case HS_JSON_STRING:
		lf->vt = V_STR;
		if (!hs_json_str_plain(d, i, &lf->s, &lf->n)) {
			hs_buf_reset(tmp);
			hs_json_str_decode(d, i, tmp);
			lf->s = tmp->data;
			lf->n = tmp->len;
		}
		break;
	case HS_JSON_NUMBER:
		lf->vt = V_NUM;
		lf->s = hs_json_raw(d, i);
		lf->n = d->nodes[i].len;
		break;
	case HS_JSON_TRUE:
		lf->vt = V_TRUE;
		lf->s = "";
		lf->n = 0;
		break;
	case HS_JSON_FALSE:
		lf->vt = V_FALSE;
		lf->s = "";
		lf->n = 0;
		break;
	default:
		lf->vt = V_NULL;
		lf->s = "";
		lf->n = 0;
		break;
	}
}

/* The encoded exact key of a leaf (numbers normalized) into out. */
static void leaf_key(const struct leaf *lf, struct hs_buf *out, const char **k,
                     size_t *n)
{
	if (lf->vt != V_NUM) {
		*k = lf->s;
		*n = lf->n;
		return;
	}
	hs_buf_reset(out);
	hs_pat_num_encode(out, lf->s, lf->n);
	*k = out->data;
	*n = out->len;
}

static const char *leaf_folded(struct leaf *lf, struct hs_buf *tmp)
{
	if (!lf->folded) {
		hs_buf_reset(tmp);
		hs_buf_grow(tmp, HS_CASEFOLD_MAX(lf->n) + 1);
		lf->fn = hs_casefold_utf8(lf->s, lf->n, tmp->data);
		hs_buf_setlen(tmp, lf->fn);
		lf->folded = tmp->data;
	}
	return lf->folded;
}

static int has_prefix(const char *s, size_t n, const char *p, size_t pn)
{
	return pn <= n && !memcmp(s, p, pn);
}

static int has_suffix(const char *s, size_t n, const char *p, size_t pn)
{
	return pn <= n && !memcmp(s + n - pn, p, pn);
}

static int cidr_match(const struct test *t, const char *s, size_t n)
{
	char buf[64];
	unsigned char a[16];
	unsigned full, rem;

	if (n == 0 || n >= sizeof buf)
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(t->family == 4 ? AF_INET : AF_INET6, buf, a) != 1)
		return 0;
	full = t->bits / 8;
	rem = t->bits % 8;
	if (memcmp(a, t->addr, full))
		return 0;
	if (rem) {
		unsigned char mask = (unsigned char)(0xff << (8 - rem));

		if ((a[full] & mask) != (t->addr[full] & mask))
			return 0;
	}
	return 1;
}

static int test_eval(const struct test *t, struct leaf *lf, struct hs_buf *tmp,
                     struct hs_buf *ktmp)
{
	size_t i;

	switch (t->kind) {
	case T_EXISTS:
		return 1;
	case T_NUMERIC:
		if (lf->vt != V_NUM)
			return 0;
		if (t->lo) {
			int r = hs_num_cmp(lf->s, lf->n, t->lo, strlen(t->lo));

			if (r < 0 || (r == 0 && !t->lo_incl))
				return 0;
		}
		if (t->hi) {
			int r = hs_num_cmp(lf->s, lf->n, t->hi, strlen(t->hi));

			if (r > 0 || (r == 0 && !t->hi_incl))
				return 0;
		}
		return 1;
	case T_AB_VALUES: {
		const char *k;
		size_t n;

		leaf_key(lf, ktmp, &k, &n);
		for (i = 0; i < t->ns; i++)
			if (t->s[i][0] == lf->vt && t->slen[i] == n + 1 &&
			    !memcmp(t->s[i] + 1, k, n))
				return 0;
		return 1;
	}
	default:
		break;
	}
	if (lf->vt != V_STR)
		return 0;
	switch (t->kind) {
	case T_PREFIX:
		return has_prefix(lf->s, lf->n, t->s[0], t->slen[0]);
	case T_SUFFIX:
		return has_suffix(lf->s, lf->n, t->s[0], t->slen[0]);
	case T_EQ_CI:
		return leaf_folded(lf, tmp) && lf->fn == t->slen[0] &&
		       !memcmp(lf->folded, t->s[0], lf->fn);
	case T_PREFIX_CI:
		/* leaf_folded() sets lf->fn: call it before reading it */
		return leaf_folded(lf, tmp) &&
		       has_prefix(lf->folded, lf->fn, t->s[0], t->slen[0]);
	case T_SUFFIX_CI:
		return leaf_folded(lf, tmp) &&
		       has_suffix(lf->folded, lf->fn, t->s[0], t->slen[0]);
	case T_WILDCARD:
		return hs_pat_wild_match(&t->w[0], lf->s, lf->n);
	case T_CIDR:
		return cidr_match(t, lf->s, lf->n);
	case T_AB_PREFIX:
	case T_AB_PREFIX_CI:
	case T_AB_SUFFIX:
	case T_AB_SUFFIX_CI:
	case T_AB_EQ_CI: {
		int ci = t->kind == T_AB_PREFIX_CI ||
		         t->kind == T_AB_SUFFIX_CI || t->kind == T_AB_EQ_CI;
		const char *s = ci ? leaf_folded(lf, tmp) : lf->s;
		size_t sn = ci ? lf->fn : lf->n; /* after leaf_folded() */

		for (i = 0; i < t->ns; i++) {
			int hit;

			if (t->kind == T_AB_PREFIX || t->kind == T_AB_PREFIX_CI)
				hit = has_prefix(s, sn, t->s[i], t->slen[i]);
			else if (t->kind == T_AB_EQ_CI)
				hit =
				    sn == t->slen[i] && !memcmp(s, t->s[i], sn);
			else
				hit = has_suffix(s, sn, t->s[i], t->slen[i]);
			if (hit)
				return 0;
		}
		return 1;
	}
	case T_AB_WILDCARD:
		for (i = 0; i < t->nw; i++)
			if (hs_pat_wild_match(&t->w[i], lf->s, lf->n))
				return 0;
		return 1;
	default:
		return 0;
	}
}

static void cond_hit(const struct hs_pattern *p, struct hs_pattern_match *m,
                     uint32_t c)
{
	const struct cond *cd = &p->conds[c];
	uint32_t s;

	if (m->cond_hit[c] == m->gen)
		return;
	m->cond_hit[c] = m->gen;
	if (cd->absent_ok)
		return;
	s = cd->sub;
	if (m->sub_stamp[s] != m->gen) {
		m->sub_stamp[s] = m->gen;
		m->sub_count[s] = 0;
	}
	if (++m->sub_count[s] == p->subs[s].need)
		m->cands[m->ncands++] = s;
}

static void visit_leaf(const struct hs_pattern *p, struct hs_pattern_match *m,
                       uint32_t nd, const struct hs_json_doc *d, uint32_t i)
{
	const struct node *n = &p->nodes[nd];
	struct leaf lf;

	m->node_seen[nd] = m->gen;
	if (!n->nexact && !n->ntests && !n->nplens && !n->num)
		return;
	leaf_view(&lf, d, i, &m->scratch[0]);
	if (n->nexact) {
		const char *k;
		size_t kn;
		uint64_t h;
		uint32_t e;

		leaf_key(&lf, &m->scratch[1], &k, &kn);
		h = hs_pat_hash_key(nd, E_VALUE, lf.vt, k, kn);
		e = hs_pat_ent_find(p, h, nd, E_VALUE, lf.vt, k, kn);
		if (e != UINT32_MAX)
			for (uint32_t j = 0; j < p->ents[e].nconds; j++)
				cond_hit(p, m, p->ents[e].conds[j]);
	}
	for (uint32_t j = 0; j < n->nplens && lf.vt == V_STR; j++) {
		uint32_t len = n->plens[j], e;

		if (len > lf.n)
			break;
		e = hs_pat_ent_find(
		    p, hs_pat_hash_key(nd, E_PREFIX, V_STR, lf.s, len), nd,
		    E_PREFIX, V_STR, lf.s, len);
		if (e != UINT32_MAX)
			for (uint32_t c = 0; c < p->ents[e].nconds; c++)
				cond_hit(p, m, p->ents[e].conds[c]);
	}
	if (n->num && lf.vt == V_NUM) {
		/* every test stored on the leaf-to-root path holds */
		const struct numidx *x = n->num;
		struct hs_buf *k = &m->scratch[1];

		hs_pat_num_key(k, lf.s, lf.n);
		for (uint32_t v =
		         x->leaves + hs_pat_num_slot(x, k->data, k->len);
		     v; v >>= 1)
			for (uint32_t j = x->start[v]; j < x->start[v + 1]; j++)
				cond_hit(p, m, p->tests[x->items[j]].cond);
	}
	for (uint32_t j = 0; j < n->ntests; j++) {
		const struct test *t = &p->tests[n->tests[j]];

		if (m->cond_hit[t->cond] != m->gen &&
		    test_eval(t, &lf, &m->scratch[2], &m->scratch[1]))
			cond_hit(p, m, t->cond);
	}
}

static void walk_obj(const struct hs_pattern *p, struct hs_pattern_match *m,
                     uint32_t nd, const struct hs_json_doc *d, uint32_t o);

static void visit(const struct hs_pattern *p, struct hs_pattern_match *m,
                  uint32_t nd, const struct hs_json_doc *d, uint32_t v,
                  int in_array)
{
	switch (hs_json_type(d, v)) {
	case HS_JSON_OBJECT:
		if (p->nodes[nd].nchild) {
			if (in_array)
				m->arr_obj = 1;
			walk_obj(p, m, nd, d, v);
		}
		break;
	case HS_JSON_ARRAY:
		HS_JSON_FOREACH_ELEM(d, v, e)
		visit(p, m, nd, d, e, 1);
		break;
	default:
		visit_leaf(p, m, nd, d, v);
		break;
	}
}

static uint32_t child_of(const struct hs_pattern *p, uint32_t nd, const char *k,
                         size_t n)
{
	uint64_t h = hs_pat_hash_key(nd, E_CHILD, 0, k, n);
	uint32_t e = hs_pat_ent_find(p, h, nd, E_CHILD, 0, k, n);

	return e == UINT32_MAX ? UINT32_MAX : p->ents[e].child;
}

static void walk_obj(const struct hs_pattern *p, struct hs_pattern_match *m,
                     uint32_t nd, const struct hs_json_doc *d, uint32_t o)
{
	HS_JSON_FOREACH_MEMBER(d, o, k)
	{
		const char *s;
		size_t n;
		uint32_t ch;

		if (!hs_json_str_plain(d, k, &s, &n)) {
			hs_buf_reset(&m->scratch[0]);
			hs_json_str_decode(d, k, &m->scratch[0]);
			s = m->scratch[0].data;
			n = m->scratch[0].len;
		}
		ch = child_of(p, nd, s, n);
		if (ch != UINT32_MAX)
			visit(p, m, ch, d, k + 1, 0);
	}
}

/* Does leaf i satisfy condition c (exact values or tests)? */
static int cond_leaf(const struct hs_pattern *p, struct hs_pattern_match *m,
                     const struct cond *cd, const struct hs_json_doc *d,
                     uint32_t i)
{
	struct leaf lf;
	const char *k;
	size_t kn;

	leaf_view(&lf, d, i, &m->scratch[0]);
	leaf_key(&lf, &m->scratch[1], &k, &kn);
	for (size_t j = 0; j < cd->nkeys; j++)
		if (cd->keys[j][0] == lf.vt && cd->klen[j] == kn + 1 &&
		    !memcmp(cd->keys[j] + 1, k, kn))
			return 1;
	leaf_view(&lf, d, i, &m->scratch[0]);
	for (uint32_t j = 0; j < cd->ntests; j++)
		if (test_eval(&p->tests[cd->tests[j]], &lf, &m->scratch[2],
		              &m->scratch[1]))
			return 1;
	return 0;
}

static int any_leaf(const struct hs_pattern *p, struct hs_pattern_match *m,
                    const struct cond *cd, const struct hs_json_doc *d,
                    uint32_t v)
{
	enum hs_json_type ty = hs_json_type(d, v);

	if (ty == HS_JSON_OBJECT)
		return 0;
	if (ty == HS_JSON_ARRAY) {
		HS_JSON_FOREACH_ELEM(d, v, e)
		if (any_leaf(p, m, cd, d, e))
			return 1;
		return 0;
	}
	return cond_leaf(p, m, cd, d, v);
}

static uint32_t ancestor(const struct hs_pattern *p, uint32_t nd,
                         uint32_t depth)
{
	while (p->nodes[nd].depth > depth)
		nd = p->nodes[nd].parent;
	return nd;
}

static int verify(const struct hs_pattern *p, struct hs_pattern_match *m,
                  const uint32_t *cs, size_t n, uint32_t depth,
                  const struct hs_json_doc *d, uint32_t o);

/* Some object in v (or v itself) satisfies all of cs at depth. */
static int descend(const struct hs_pattern *p, struct hs_pattern_match *m,
                   const uint32_t *cs, size_t n, uint32_t depth,
                   const struct hs_json_doc *d, uint32_t v)
{
	if (hs_json_type(d, v) == HS_JSON_OBJECT)
		return verify(p, m, cs, n, depth, d, v);
	if (hs_json_type(d, v) == HS_JSON_ARRAY) {
		HS_JSON_FOREACH_ELEM(d, v, e)
		if (descend(p, m, cs, n, depth, d, e))
			return 1;
	}
	return 0;
}

/*
 * The array-consistent check: conditions cs (positive ones, all under
 * trie depth `depth`) hold together within object o.
 */
static int verify(const struct hs_pattern *p, struct hs_pattern_match *m,
                  const uint32_t *cs, size_t n, uint32_t depth,
                  const struct hs_json_doc *d, uint32_t o)
{
	uint32_t small[16];
	uint32_t *deeper =
	    n < 16 ? small : hs_xmalloc((n + 1) * sizeof *deeper);
	int ok = 1;

	for (size_t i = 0; i < n && ok; i++) {
		uint32_t g = ancestor(p, p->conds[cs[i]].node, depth + 1);
		const struct node *gn = &p->nodes[g];
		size_t nd = 0;
		uint32_t v;
		int first = 1;

		/* handle each group once, at its first member */
		for (size_t j = 0; j < i; j++)
			if (ancestor(p, p->conds[cs[j]].node, depth + 1) == g)
				first = 0;
		if (!first)
			continue;
		v = hs_json_obj_get(d, o, p->arena.data + gn->koff, gn->klen);
		if (v == HS_JSON_NONE) {
			ok = 0;
			break;
		}
		for (size_t j = i; j < n && ok; j++) {
			const struct cond *cd = &p->conds[cs[j]];

			if (ancestor(p, cd->node, depth + 1) != g)
				continue;
			if (cd->node == g)
				ok = any_leaf(p, m, cd, d, v);
			else
				deeper[nd++] = cs[j];
		}
		if (ok && nd)
			ok = descend(p, m, deeper, nd, depth + 1, d, v);
	}
	if (deeper != small)
		free(deeper);
	return ok;
}

static int sub_ok(const struct hs_pattern *p, struct hs_pattern_match *m,
                  uint32_t s, const struct hs_json_doc *d, uint32_t root)
{
	const struct sub *sb = &p->subs[s];
	uint32_t small[16] = {0}, *pos;
	size_t npos = 0;
	int ok;

	for (uint32_t i = 0; i < sb->ncond; i++) {
		const struct cond *cd = &p->conds[sb->conds[i]];

		if (cd->absent_ok && m->node_seen[cd->node] == m->gen &&
		    m->cond_hit[sb->conds[i]] != m->gen)
			return 0;
	}
	if (sb->npos <= 1)
		return 1;
	pos =
	    sb->ncond < 16 ? small : hs_xmalloc((sb->ncond + 1) * sizeof *pos);
	for (uint32_t i = 0; i < sb->ncond; i++)
		if (!p->conds[sb->conds[i]].absent_ok)
			pos[npos++] = sb->conds[i];
	ok = verify(p, m, pos, npos, 0, d, root);
	if (pos != small)
		free(pos);
	return ok;
}

static int cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

static void rule_accept(const struct hs_pattern *p, struct hs_pattern_match *m,
                        uint32_t s)
{
	unsigned r = p->subs[s].rule;

	if (hs_pattern_hit(m, r))
		return;
	m->bits[r / 64] |= 1ull << (r % 64);
	m->hits[m->nhits++] = r;
	m->rule_sub[r] = s;
}

unsigned hs_pattern_match(const struct hs_pattern *p,
                          struct hs_pattern_match *m,
                          const struct hs_json_doc *d, uint32_t root)
{
	for (unsigned i = 0; i < m->nhits; i++)
		m->bits[m->hits[i] / 64] = 0;
	m->nhits = 0;
	m->ncands = 0;
	m->arr_obj = 0;
	if (++m->gen == 0) {
		/* wrapped: old stamps could look current */
		memset(m->cond_hit, 0, p->nconds * sizeof *m->cond_hit);
		memset(m->node_seen, 0, p->nnodes * sizeof *m->node_seen);
		memset(m->sub_stamp, 0, p->nsubs * sizeof *m->sub_stamp);
		m->gen = 1;
	}
	if (root < d->n && hs_json_type(d, root) == HS_JSON_OBJECT)
		walk_obj(p, m, 0, d, root);
	for (size_t i = 0; i < m->ncands; i++)
		if (!hs_pattern_hit(m, p->subs[m->cands[i]].rule) &&
		    sub_ok(p, m, m->cands[i], d, root))
			rule_accept(p, m, m->cands[i]);
	for (size_t i = 0; i < p->nalways; i++)
		if (!hs_pattern_hit(m, p->subs[p->always[i]].rule) &&
		    sub_ok(p, m, p->always[i], d, root))
			rule_accept(p, m, p->always[i]);
	if (m->nhits > 1)
		qsort(m->hits, m->nhits, sizeof *m->hits, cmp_unsigned);
	return m->nhits;
}

/* The selector of hs_pattern_match_line(): trie nodes are the states. */
static uint32_t sel_member(void *ctx, uint32_t st, const char *k, size_t n)
{
	const struct hs_pattern *p = ctx;

	if (!p->nodes[st].nchild)
		return HS_JSON_NONE;
	return child_of(p, st, k, n);
}

static int sel_leaf(void *ctx, uint32_t st)
{
	const struct hs_pattern *p = ctx;

	return !p->nodes[st].nchild;
}

int hs_pattern_match_line(const struct hs_pattern *p,
                          struct hs_pattern_match *m, struct hs_json_doc *d,
                          const char *line, size_t len)
{
	/* the matcher reads an event only along trie paths (walk_obj(),
	 * verify()), which is all the selector keeps */
	struct hs_json_select sel = {sel_member, sel_leaf, (void *)p};

	if (hs_json_parse_select(d, line, len, &sel) < 0)
		return -1;
	return (int)hs_pattern_match(p, m, d, 0);
}

int hs_pattern_explain(const struct hs_pattern *p,
                       const struct hs_pattern_match *m, unsigned id,
                       struct hs_buf *out)
{
	const struct sub *sb;

	if (id >= p->nrules || !hs_pattern_hit(m, id))
		return -1;
	sb = &p->subs[m->rule_sub[id]];
	hs_buf_addc(out, '[');
	for (uint32_t i = 0; i < sb->ncond; i++) {
		const struct cond *cd = &p->conds[sb->conds[i]];
		const char *path = p->nodes[cd->node].path;

		if (i)
			hs_buf_addc(out, ',');
		hs_buf_adds(out, "{\"field\":");
		hs_json_write_str(out, path, strlen(path));
		hs_buf_adds(out, ",\"test\":");
		hs_buf_adds(out, cd->desc);
		if (cd->absent_ok && m->node_seen[cd->node] != m->gen)
			hs_buf_adds(out, ",\"absent\":true");
		hs_buf_addc(out, '}');
	}
	hs_buf_addc(out, ']');
	return 0;
}
