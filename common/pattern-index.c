/*
 * pattern-index.c: the index built once all patterns are in (the first
 * call to match freezes the set): each subrule hung on its most selective
 * positive condition's exact values, prefixes or tests, the absence
 * conditions and the subrules with no positive condition, and per field
 * the numeric index over many numeric tests (sorted bounds, segments
 * covered by each test).  Compiling is pattern.c's and pattern-parse.c's;
 * using the index to match is pattern-match.c's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pattern-int.h"

#include "banned.h"

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
		uint32_t en = hs_pat_ent_get(p, cd->node, E_VALUE,
		                             (unsigned char)cd->keys[k][0],
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
				    hs_pat_ent_get(p, cd->node, E_PREFIX, V_STR,
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
			/* hs_pat_ent_get() may move p->ents: index after it */
			uint32_t en = hs_pat_ent_get(
			    p, cd->node, E_VALUE, (unsigned char)cd->keys[k][0],
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

void hs_pat_numidx_free(struct numidx *x)
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
		hs_pat_numidx_free(x);
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
