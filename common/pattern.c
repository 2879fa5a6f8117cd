/*
 * pattern.c: EventBridge event patterns compiled into one matcher.
 *
 * This file owns the pattern set (new, free, add: turning a read pattern
 * into subrules and conditions), the trie and the value hash table.
 * Reading a pattern's JSON and compiling its operators is
 * pattern-parse.c's; building the per-subrule index and the numeric index
 * is pattern-index.c's; matching events and explain output is
 * pattern-match.c's.  None of them includes another; shared types and
 * the calls between them are in pattern-int.h.
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
uint32_t hs_pat_ent_get(struct hs_pattern *p, uint32_t owner, int kind,
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

void hs_pat_wild_free(struct wild *w)
{
	for (size_t i = 0; i < w->nseg; i++)
		free(w->seg[i]);
	free(w->seg);
	free(w->seglen);
}

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
		e = hs_pat_ent_get(p, cur, E_CHILD, 0, path + i, kl);
		if (p->ents[e].child == UINT32_MAX) {
			uint32_t ch = node_new(p, cur, path + i, kl);

			p->ents[e].child = ch;
		}
		cur = p->ents[e].child;
		i += kl;
	}
	return cur;
}

static void test_release(struct test *t)
{
	for (size_t i = 0; i < t->ns; i++)
		free(t->s[i]);
	free(t->s);
	free(t->slen);
	for (size_t i = 0; i < t->nw; i++)
		hs_pat_wild_free(&t->w[i]);
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

void hs_pat_numidx_free(struct numidx *x);

void hs_pattern_free(struct hs_pattern *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nnodes; i++) {
		free(p->nodes[i].tests);
		free(p->nodes[i].plens);
		hs_pat_numidx_free(p->nodes[i].num);
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
		hs_seterr(errbuf, errlen,
		          "(root): a pattern must be a JSON object");
		goto out;
	}
	/* First pass: structure and every value list, compiled into tests
	 * with no condition, then dropped: the set stays as it was on
	 * error. */
	rc = hs_pat_object_compile(&c, 0, "", 0, &ts);
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
			hs_pat_cond_build(&c, cid, sp->vals);
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
	hs_pat_terms_free(&ts);
	for (size_t i = 0; i < c.nspecs; i++)
		free(c.specs[i].path);
	free(c.specs);
	hs_buf_release(&c.ptr);
	hs_buf_release(&c.tmp);
	hs_json_doc_release(&d);
	return rc;
}
