/*
 * schema-compile.c: turns indexed schema documents into nodes and edges:
 * resolving "$ref" and friends to their targets, the keyword table
 * (one row per keyword: drafts, subschemas, vocabulary, handler) and the
 * handlers that fill a node.  Loading and indexing documents is
 * schema.c's; using the nodes, schema-eval.c's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "json.h"
#include "num.h"
#include "regex.h"
#include "schema-int.h"
#include "banned.h"

/* ---- compiling ---- */

static uint32_t find_res(struct hs_schema *s, const char *uri)
{
	/* prefer a real resource over a retrieval alias */
	uint32_t alias = NONE;

	for (uint32_t r = 0; r < s->nres; r++)
		if (!strcmp(s->res[r].uri, uri)) {
			if (!s->res[r].alias)
				return r;
			if (alias == NONE)
				alias = r;
		}
	return alias;
}

static const struct sanchor *find_anchor(struct hs_schema *s, uint32_t res,
                                         const char *name)
{
	const char *uri = s->res[res].uri;

	for (uint32_t a = 0; a < s->nanchors; a++)
		if (!strcmp(s->anchors[a].name, name) &&
		    !strcmp(s->res[s->anchors[a].res].uri, uri))
			return &s->anchors[a];
	return NULL;
}

/*
 * Resolve reference ref found at JSON node i of document di to a JSON
 * node (*odi, *oi).  Loads the document when no known resource has
 * that URI.  Sets *anchor to the fragment when it names an anchor.
 */
static int resolve(struct hs_schema *s, uint32_t di, uint32_t i,
                   const char *ref, uint32_t *odi, uint32_t *oi, char **anchor)
{
	uint32_t r = s->docs[di].res[i], ndi;
	char *u = hs_schema_uri_resolve(s->res[r].uri, ref);
	char *f = hs_schema_split_frag(u);
	uint32_t rr = find_res(s, u), node;

	*anchor = NULL;
	if (rr == NONE) {
		if (hs_schema_load_doc(s, u, s->res[r].dialect, &ndi) < 0)
			goto bad;
		rr = find_res(s, u);
		if (rr == NONE)
			goto unres;
	}
	ndi = s->res[rr].doc;
	s->docs[ndi].used = 1;
	if (*f == '\0') {
		node = s->res[rr].node;
	} else if (*f == '/') {
		node =
		    hs_json_pointer(DOC(s, ndi), s->res[rr].node, f, strlen(f));
		if (node == NONE)
			goto unres;
	} else {
		const struct sanchor *a = find_anchor(s, rr, f);

		if (!a)
			goto unres;
		node = a->node;
		ndi = a->doc;
		*anchor = hs_xstrdup(f);
	}
	*odi = ndi;
	*oi = node;
	free(u);
	return 0;
unres:
	hs_schema_fail(s, "cannot resolve $ref '%s'", ref);
bad:
	free(u);
	return -1;
}

static uint32_t new_edges(struct hs_schema *s, uint32_t n)
{
	uint32_t st = s->nedges;

	if (n == 0)
		return st;
	s->edges =
	    hs_xgrow(s->edges, sizeof(*s->edges), s->nedges + n, &s->capedges);
	memset(s->edges + st, 0, n * sizeof(*s->edges));
	for (uint32_t j = 0; j < n; j++) {
		s->edges[st + j].node = NONE;
		s->edges[st + j].json = NONE;
	}
	s->nedges += n;
	return st;
}

/* One edge to the subschema at JSON node v, with keyword path rel. */
static uint32_t edge_to(struct hs_schema *s, uint32_t di, uint32_t v,
                        const char *rel)
{
	uint32_t e = new_edges(s, 1), c;

	s->edges[e].rel = hs_xstrdup(rel);
	c = hs_schema_compile(s, di, v);
	s->edges[e].node = c;
	return c == NONE ? NONE : e;
}

static int ref_edge(struct hs_schema *s, uint32_t di, uint32_t i, uint32_t v,
                    const char *kw, uint32_t *out, char **dyn)
{
	struct hs_buf b = HS_BUF_INIT;
	uint32_t tdi, ti, e, c;
	char *anchor = NULL;
	int rc;

	if (hs_json_type(DOC(s, di), v) != HS_JSON_STRING) {
		return hs_schema_fail(s, "%s must be a string", kw);
	}
	rc = resolve(s, di, i, key_str(DOC(s, di), v, &b), &tdi, &ti, &anchor);
	hs_buf_release(&b);
	if (rc < 0)
		return -1;
	if (dyn && anchor) {
		/* dynamic only when the static target bears the same
		 * $dynamicAnchor (the "bookend") */
		uint32_t da = get(s, tdi, ti, "$dynamicAnchor");

		if (da != NONE &&
		    hs_json_str_eq(DOC(s, tdi), da, anchor, strlen(anchor)))
			*dyn = anchor, anchor = NULL;
	}
	free(anchor);
	e = new_edges(s, 1);
	s->edges[e].rel = hs_xstrdup(kw);
	c = hs_schema_compile(s, tdi, ti);
	if (c == NONE) {
		if (dyn) {
			free(*dyn);
			*dyn = NULL;
		}
		return -1;
	}
	s->edges[e].node = c;
	*out = e;
	return 0;
}

static int nonneg(struct hs_schema *s, uint32_t di, uint32_t v, const char *kw,
                  int64_t *out)
{
	const struct hs_json_doc *d = DOC(s, di);

	if (hs_json_type(d, v) != HS_JSON_NUMBER ||
	    !hs_num_is_integer(hs_json_raw(d, v), d->nodes[v].len))
		return hs_schema_fail(s, "%s must be a non-negative integer",
		                      kw);
	if (hs_json_raw(d, v)[0] == '-' &&
	    hs_num_cmp(hs_json_raw(d, v), d->nodes[v].len, "0", 1) < 0)
		return hs_schema_fail(s, "%s must be a non-negative integer",
		                      kw);
	if (hs_json_int64(d, v, out) < 0)
		*out = INT64_MAX;
	return 0;
}

static int number(struct hs_schema *s, uint32_t di, uint32_t v, const char *kw,
                  struct lit *out)
{
	const struct hs_json_doc *d = DOC(s, di);

	if (hs_json_type(d, v) != HS_JSON_NUMBER)
		return hs_schema_fail(s, "%s must be a number", kw);
	out->p = hs_json_raw(d, v);
	out->n = d->nodes[v].len;
	return 0;
}

static int type_bits(struct hs_schema *s, const struct hs_json_doc *d,
                     uint32_t v, uint32_t *bits)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} tab[] = {{"null", T_NULL},     {"boolean", T_BOOL},
	           {"number", T_NUMBER}, {"integer", T_INTEGER},
	           {"string", T_STRING}, {"array", T_ARRAY},
	           {"object", T_OBJECT}};
	size_t j;

	if (hs_json_type(d, v) != HS_JSON_STRING)
		return hs_schema_fail(
		    s, "type must be a string or an array of strings");
	for (j = 0; j < sizeof(tab) / sizeof(tab[0]); j++)
		if (key_is(d, v, tab[j].name)) {
			*bits |= tab[j].bit;
			return 0;
		}
	return hs_schema_fail(s, "unknown type in 'type'");
}

/* The schema's location as "uri#/pointer" from its resource root. */
static char *abs_loc(struct hs_schema *s, uint32_t di, uint32_t i)
{
	struct sdoc *sd = &s->docs[di];
	const struct sres *r = &s->res[sd->res[i]];
	uint32_t stack[700], n = 0, j = i;
	struct hs_buf b = HS_BUF_INIT, k = HS_BUF_INIT;

	while (j != r->node && j != NONE && n < 700) {
		stack[n++] = j;
		j = sd->parent[j];
	}
	hs_buf_adds(&b, r->uri);
	hs_buf_addc(&b, '#');
	while (n-- > 0) {
		uint32_t c = stack[n], p = sd->parent[c];

		hs_buf_addc(&b, '/');
		if (sd->doc.nodes[p].type == HS_JSON_ARRAY) {
			uint32_t idx = 0;

			HS_JSON_FOREACH_ELEM(&sd->doc, p, e)
			{
				if (e == c)
					break;
				idx++;
			}
			hs_buf_addf(&b, "%u", idx);
		} else {
			key_str(&sd->doc, c - 1, &k);
			hs_schema_add_token(&b, k.data, k.len);
		}
	}
	hs_buf_release(&k);
	return hs_buf_detach(&b, NULL);
}

/* Edges for the elements of array v (allOf, anyOf, oneOf, prefixItems). */
static int edge_array(struct hs_schema *s, uint32_t di, uint32_t v,
                      const char *kw, struct range *rg)
{
	const struct hs_json_doc *d = DOC(s, di);
	uint32_t j = 0;
	char rel[128];

	if (hs_json_type(d, v) != HS_JSON_ARRAY)
		return hs_schema_fail(s, "%s must be an array of schemas", kw);
	rg->n = d->nodes[v].count;
	rg->start = new_edges(s, rg->n);
	HS_JSON_FOREACH_ELEM(DOC(s, di), v, e)
	{
		uint32_t c;

		snprintf(rel, sizeof(rel), "%s/%u", kw, j);
		s->edges[rg->start + j].rel = hs_xstrdup(rel);
		c = hs_schema_compile(s, di, e);
		if (c == NONE)
			return -1;
		s->edges[rg->start + j].node = c;
		j++;
	}
	return 0;
}

/*
 * Edges for the members of object v (properties, patternProperties,
 * dependentSchemas, dependentRequired); kind 'r' compiles a regex from
 * each name, 'q' keeps array members as dependentRequired lists.
 */
static int edge_map(struct hs_schema *s, uint32_t di, uint32_t v,
                    const char *kw, struct range *rg, int kind)
{
	uint32_t j = 0;
	struct hs_buf b = HS_BUF_INIT, rel = HS_BUF_INIT;
	char eb[300];

	if (hs_json_type(DOC(s, di), v) != HS_JSON_OBJECT)
		return hs_schema_fail(s, "%s must be an object", kw);
	rg->n = DOC(s, di)->nodes[v].count;
	rg->start = new_edges(s, rg->n);
	HS_JSON_FOREACH_MEMBER(DOC(s, di), v, k)
	{
		struct edge *ed = &s->edges[rg->start + j];
		uint32_t c;

		key_str(DOC(s, di), k, &b);
		hs_buf_reset(&rel);
		hs_buf_adds(&rel, kw);
		hs_buf_addc(&rel, '/');
		hs_schema_add_token(&rel, b.data, b.len);
		ed->rel = hs_xstrdup(rel.data);
		ed->name = hs_xmemdup(b.data, b.len + 1);
		ed->namelen = b.len;
		if (kind == 'r') {
			ed->re = hs_regex_new(b.data, b.len, eb, sizeof(eb));
			if (!ed->re) {
				hs_schema_fail(s, "patternProperties: %s", eb);
				goto bad;
			}
		}
		if (kind == 'q') {
			if (hs_json_type(DOC(s, di), k + 1) != HS_JSON_ARRAY) {
				hs_schema_fail(s, "%s values must be arrays",
				               kw);
				goto bad;
			}
			ed->json = k + 1;
		} else {
			c = hs_schema_compile(s, di, k + 1);
			if (c == NONE)
				goto bad;
			s->edges[rg->start + j].node = c;
		}
		j++;
	}
	hs_buf_release(&b);
	hs_buf_release(&rel);
	return 0;
bad:
	hs_buf_release(&b);
	hs_buf_release(&rel);
	return -1;
}

/* draft-07 "dependencies": arrays go to depreq, schemas to depschemas. */
static int edge_deps(struct hs_schema *s, uint32_t di, uint32_t v, uint32_t id)
{
	const struct hs_json_doc *d = DOC(s, di);
	uint32_t na = 0, ns = 0, ja = 0, js = 0, sa, ss;
	struct hs_buf b = HS_BUF_INIT, rel = HS_BUF_INIT;

	if (hs_json_type(d, v) != HS_JSON_OBJECT)
		return hs_schema_fail(s, "dependencies must be an object");
	HS_JSON_FOREACH_MEMBER(d, v, k)
	{
		if (hs_json_type(d, k + 1) == HS_JSON_ARRAY)
			na++;
		else
			ns++;
	}
	sa = new_edges(s, na);
	ss = new_edges(s, ns);
	N(s, id)->depreq = (struct range){sa, na};
	N(s, id)->depschemas = (struct range){ss, ns};
	HS_JSON_FOREACH_MEMBER(DOC(s, di), v, k)
	{
		int isarr = hs_json_type(DOC(s, di), k + 1) == HS_JSON_ARRAY;
		uint32_t ei = isarr ? sa + ja++ : ss + js++, c;

		key_str(DOC(s, di), k, &b);
		hs_buf_reset(&rel);
		hs_buf_adds(&rel, "dependencies/");
		hs_schema_add_token(&rel, b.data, b.len);
		s->edges[ei].rel = hs_xstrdup(rel.data);
		s->edges[ei].name = hs_xmemdup(b.data, b.len + 1);
		s->edges[ei].namelen = b.len;
		if (isarr) {
			s->edges[ei].json = k + 1;
			continue;
		}
		c = hs_schema_compile(s, di, k + 1);
		if (c == NONE) {
			hs_buf_release(&b);
			hs_buf_release(&rel);
			return -1;
		}
		s->edges[ei].node = c;
	}
	hs_buf_release(&b);
	hs_buf_release(&rel);
	return 0;
}

/* ---- keywords: one row each in kws[], looked up by name ---- */

struct hs_schema_kwarg {
	struct hs_schema *s;
	uint32_t di, i, id, v; /* document, schema object, node, value */
	int dl;
	enum hs_json_type t; /* of v */
	uint32_t *additems;  /* pairs draft 7/2019 items and additionalItems */
};

#define KWFN(name)                                     \
	static int name(const struct hs_schema_kw *kw, \
	                const struct hs_schema_kwarg *a)

/* The struct snode member kw->off names (nodes may have moved). */
static void *field(const struct hs_schema_kw *kw,
                   const struct hs_schema_kwarg *a)
{
	return (char *)N(a->s, a->id) + kw->off;
}

static int set_edge(const struct hs_schema_kwarg *a, size_t off, uint32_t v,
                    const char *rel)
{
	uint32_t e = edge_to(a->s, a->di, v, rel);

	if (e == NONE)
		return -1;
	*(uint32_t *)(void *)((char *)N(a->s, a->id) + off) = e;
	return 0;
}

KWFN(c_ref)
{
	uint32_t e;

	if (ref_edge(a->s, a->di, a->i, a->v, kw->name, &e, NULL) < 0)
		return -1;
	N(a->s, a->id)->e_ref = e;
	return 0;
}

KWFN(c_dynref)
{
	char *dyn = NULL;
	uint32_t e;

	if (ref_edge(a->s, a->di, a->i, a->v, kw->name, &e, &dyn) < 0)
		return -1;
	N(a->s, a->id)->e_dynref = e;
	N(a->s, a->id)->dynname = dyn;
	return 0;
}

KWFN(c_recref)
{
	struct hs_schema *s = a->s;
	char *dyn = NULL;
	uint32_t e, tgt;

	if (ref_edge(s, a->di, a->i, a->v, kw->name, &e, NULL) < 0)
		return -1;
	tgt = s->edges[e].node;
	N(s, a->id)->e_dynref = e;
	if (get(s, N(s, tgt)->doc, N(s, tgt)->at, "$recursiveAnchor") != NONE)
		dyn = hs_xstrdup("");
	N(s, a->id)->dynname = dyn;
	return 0;
}

KWFN(c_type)
{
	const struct hs_json_doc *d = DOC(a->s, a->di);
	uint32_t bits = 0;

	(void)kw;
	if (a->t == HS_JSON_ARRAY) {
		HS_JSON_FOREACH_ELEM(d, a->v, e)
		{
			if (type_bits(a->s, d, e, &bits) < 0)
				return -1;
		}
	} else if (type_bits(a->s, d, a->v, &bits) < 0) {
		return -1;
	}
	N(a->s, a->id)->types = bits;
	return 0;
}

KWFN(c_enum)
{
	(void)kw;
	if (a->t != HS_JSON_ARRAY)
		return hs_schema_fail(a->s, "enum must be an array");
	N(a->s, a->id)->enumv = a->v;
	return 0;
}

KWFN(c_const)
{
	(void)kw;
	N(a->s, a->id)->constv = a->v;
	return 0;
}

KWFN(c_number)
{
	return number(a->s, a->di, a->v, kw->name, field(kw, a));
}

KWFN(c_multipleof)
{
	const struct lit *m = &N(a->s, a->id)->multipleof;

	if (number(a->s, a->di, a->v, kw->name, field(kw, a)) < 0)
		return -1;
	if (hs_num_cmp(m->p, m->n, "0", 1) <= 0)
		return hs_schema_fail(a->s,
		                      "multipleOf must be greater than 0");
	return 0;
}

KWFN(c_nonneg)
{
	return nonneg(a->s, a->di, a->v, kw->name, field(kw, a));
}

KWFN(c_unique)
{
	(void)kw;
	N(a->s, a->id)->unique = a->t == HS_JSON_TRUE;
	return 0;
}

KWFN(c_pattern)
{
	struct hs_buf p = HS_BUF_INIT;
	struct hs_regex *re;
	char eb[300];

	(void)kw;
	if (a->t != HS_JSON_STRING)
		return hs_schema_fail(a->s, "pattern must be a string");
	hs_json_str_decode(DOC(a->s, a->di), a->v, &p);
	re = hs_regex_new(p.data, p.len, eb, sizeof(eb));
	hs_buf_release(&p);
	N(a->s, a->id)->pattern = re;
	if (!re)
		return hs_schema_fail(a->s, "pattern: %s", eb);
	return 0;
}

KWFN(c_format)
{
	(void)kw;
	if (a->t == HS_JSON_STRING)
		N(a->s, a->id)->format =
		    hs_schema_str_dup(DOC(a->s, a->di), a->v);
	return 0;
}

KWFN(c_required)
{
	struct hs_schema *s = a->s;
	const struct hs_json_doc *d = DOC(s, a->di);
	struct range *req = &N(s, a->id)->required;
	uint32_t j = 0;

	(void)kw;
	if (a->t != HS_JSON_ARRAY)
		return hs_schema_fail(s,
		                      "required must be an array of strings");
	req->n = d->nodes[a->v].count;
	req->start = new_edges(s, req->n);
	HS_JSON_FOREACH_ELEM(d, a->v, e)
	{
		struct edge *ed = &s->edges[req->start + j++];

		if (hs_json_type(d, e) != HS_JSON_STRING)
			return hs_schema_fail(
			    s, "required must be an array of strings");
		ed->name = hs_schema_str_dup(d, e);
		ed->namelen = strlen(ed->name);
		ed->json = e;
	}
	return 0;
}

KWFN(c_map)
{
	struct range rg = {0, 0};

	if (edge_map(a->s, a->di, a->v, kw->name, &rg, kw->mode) < 0)
		return -1;
	*(struct range *)field(kw, a) = rg;
	return 0;
}

KWFN(c_array)
{
	struct range rg = {0, 0};

	if (edge_array(a->s, a->di, a->v, kw->name, &rg) < 0)
		return -1;
	*(struct range *)field(kw, a) = rg;
	return 0;
}

KWFN(c_deps)
{
	(void)kw;
	return edge_deps(a->s, a->di, a->v, a->id);
}

KWFN(c_edge)
{
	return set_edge(a, kw->off, a->v, kw->name);
}

KWFN(c_uneval)
{
	if (set_edge(a, kw->off, a->v, kw->name) < 0)
		return -1;
	N(a->s, a->id)->has_uneval = 1;
	return 0;
}

/* Before draft 2020-12 an "items" array pairs with "additionalItems". */
KWFN(c_items)
{
	size_t off = offsetof(struct snode, e_items);

	if (a->t == HS_JSON_ARRAY && a->dl != D2020) {
		struct range rg = {0, 0};

		if (edge_array(a->s, a->di, a->v, kw->name, &rg) < 0)
			return -1;
		N(a->s, a->id)->prefix = rg;
		if (*a->additems != NONE &&
		    set_edge(a, off, *a->additems, "additionalItems") < 0)
			return -1;
		*a->additems = NONE - 1; /* items array seen */
	} else if (a->t != HS_JSON_ARRAY) {
		return set_edge(a, off, a->v, kw->name);
	}
	return 0;
}

KWFN(c_additems)
{
	if (*a->additems == NONE - 1)
		return set_edge(a, kw->off, a->v, kw->name);
	*a->additems = a->v;
	return 0;
}

#define DR(d) HS_SCHEMA_DR##d
#define SUB(k) HS_SCHEMA_SUB_##k
#define AT(m) offsetof(struct snode, m)

/* Sorted by name: test-schema checks it. */
const struct hs_schema_kw hs_schema_kws[] = {
    /* name, drafts, subschemas, validation vocabulary, mode, field, handler */
    {"$defs", 0, SUB(MAP), 0, 0, 0, NULL},
    {"$dynamicRef", DR(2020), SUB(NONE), 0, 0, 0, c_dynref},
    {"$recursiveRef", DR(2019), SUB(NONE), 0, 0, 0, c_recref},
    {"$ref", DR(ALL), SUB(NONE), 0, 0, 0, c_ref},
    {"additionalItems", DR(2019) | DR(7), SUB(ONE), 0, 0, AT(e_items),
     c_additems},
    {"additionalProperties", DR(ALL), SUB(ONE), 0, 0, AT(e_addprops), c_edge},
    {"allOf", DR(ALL), SUB(ARRAY), 0, 0, AT(allof), c_array},
    {"anyOf", DR(ALL), SUB(ARRAY), 0, 0, AT(anyof), c_array},
    {"const", DR(ALL), SUB(NONE), 1, 0, 0, c_const},
    {"contains", DR(ALL), SUB(ONE), 0, 0, AT(e_contains), c_edge},
    {"definitions", 0, SUB(MAP), 0, 0, 0, NULL},
    {"dependencies", DR(7), SUB(DEPS), 0, 0, 0, c_deps},
    {"dependentRequired", DR(2019ON), SUB(NONE), 1, 'q', AT(depreq), c_map},
    {"dependentSchemas", DR(2019ON), SUB(MAP), 0, 's', AT(depschemas), c_map},
    {"else", DR(ALL), SUB(ONE), 0, 0, AT(e_else), c_edge},
    {"enum", DR(ALL), SUB(NONE), 1, 0, 0, c_enum},
    {"exclusiveMaximum", DR(ALL), SUB(NONE), 1, 0, AT(exmaximum), c_number},
    {"exclusiveMinimum", DR(ALL), SUB(NONE), 1, 0, AT(exminimum), c_number},
    {"format", DR(ALL), SUB(NONE), 0, 0, 0, c_format},
    {"if", DR(ALL), SUB(ONE), 0, 0, AT(e_if), c_edge},
    {"items", DR(ALL), SUB(ITEMS), 0, 0, 0, c_items},
    {"maxContains", DR(2019ON), SUB(NONE), 1, 0, AT(maxcontains), c_nonneg},
    {"maxItems", DR(ALL), SUB(NONE), 1, 0, AT(maxitems), c_nonneg},
    {"maxLength", DR(ALL), SUB(NONE), 1, 0, AT(maxlen), c_nonneg},
    {"maxProperties", DR(ALL), SUB(NONE), 1, 0, AT(maxprops), c_nonneg},
    {"maximum", DR(ALL), SUB(NONE), 1, 0, AT(maximum), c_number},
    {"minContains", DR(2019ON), SUB(NONE), 1, 0, AT(mincontains), c_nonneg},
    {"minItems", DR(ALL), SUB(NONE), 1, 0, AT(minitems), c_nonneg},
    {"minLength", DR(ALL), SUB(NONE), 1, 0, AT(minlen), c_nonneg},
    {"minProperties", DR(ALL), SUB(NONE), 1, 0, AT(minprops), c_nonneg},
    {"minimum", DR(ALL), SUB(NONE), 1, 0, AT(minimum), c_number},
    {"multipleOf", DR(ALL), SUB(NONE), 1, 0, AT(multipleof), c_multipleof},
    {"not", DR(ALL), SUB(ONE), 0, 0, AT(e_not), c_edge},
    {"oneOf", DR(ALL), SUB(ARRAY), 0, 0, AT(oneof), c_array},
    {"pattern", DR(ALL), SUB(NONE), 1, 0, 0, c_pattern},
    {"patternProperties", DR(ALL), SUB(MAP), 0, 'r', AT(pprops), c_map},
    {"prefixItems", DR(2020), SUB(ARRAY), 0, 0, AT(prefix), c_array},
    {"properties", DR(ALL), SUB(MAP), 0, 's', AT(props), c_map},
    {"propertyNames", DR(ALL), SUB(ONE), 0, 0, AT(e_propnames), c_edge},
    {"required", DR(ALL), SUB(NONE), 1, 0, 0, c_required},
    {"then", DR(ALL), SUB(ONE), 0, 0, AT(e_then), c_edge},
    {"type", DR(ALL), SUB(NONE), 1, 0, 0, c_type},
    {"unevaluatedItems", DR(2019ON), SUB(ONE), 0, 0, AT(e_uitems), c_uneval},
    {"unevaluatedProperties", DR(2019ON), SUB(ONE), 0, 0, AT(e_uprops),
     c_uneval},
    {"uniqueItems", DR(ALL), SUB(NONE), 1, 0, 0, c_unique},
};

const size_t hs_schema_nkws = sizeof(hs_schema_kws) / sizeof(hs_schema_kws[0]);

#undef DR
#undef SUB
#undef AT

struct kwkey {
	const char *p;
	size_t n;
};

/* Byte order, as strcmp; a key with a NUL in it matches no row. */
static int kw_cmp(const void *key, const void *row)
{
	const struct kwkey *k = key;
	const char *name = ((const struct hs_schema_kw *)row)->name;
	size_t n = strlen(name);
	int c = memcmp(k->p, name, k->n < n ? k->n : n);

	return c ? c : (k->n > n) - (k->n < n);
}

const struct hs_schema_kw *hs_schema_kw_find(const char *name, size_t len)
{
	struct kwkey k = {name, len};

	if (!name)
		return NULL;
	return bsearch(&k, hs_schema_kws, hs_schema_nkws,
	               sizeof(hs_schema_kws[0]), kw_cmp);
}

/* The row for member key k (decoded), or NULL. */
const struct hs_schema_kw *hs_schema_kw_of(const struct hs_json_doc *d,
                                           uint32_t k)
{
	struct hs_buf b = HS_BUF_INIT;
	const struct hs_schema_kw *kw;
	const char *p;
	size_t n;

	if (hs_json_str_plain(d, k, &p, &n))
		return hs_schema_kw_find(p, n);
	hs_json_str_decode(d, k, &b);
	kw = hs_schema_kw_find(b.data, b.len);
	hs_buf_release(&b);
	return kw;
}

/*
 * Compile keyword k (value k + 1, row kw or NULL) of object schema i into
 * node id.  Keywords have no escapes; unknown ones, and ones of other
 * drafts, are ignored.
 */
static int compile_kw(struct hs_schema *s, uint32_t di, uint32_t i, uint32_t id,
                      uint32_t k, const struct hs_schema_kw *kw,
                      uint32_t *additems)
{
	const struct hs_json_doc *d = DOC(s, di);
	const char *p;
	size_t n;
	struct hs_schema_kwarg a = {s,
	                            di,
	                            i,
	                            id,
	                            k + 1,
	                            N(s, id)->dialect,
	                            hs_json_type(d, k + 1),
	                            additems};

	if (!hs_json_str_plain(d, k, &p, &n) || !kw || !kw->compile ||
	    !(kw->drafts & (1u << a.dl)))
		return 0;
	return kw->compile(kw, &a);
}

/*
 * Compile the subschema at JSON node i of document di (once: the node
 * is recorded before its children, so reference cycles end).  Returns
 * the node id, or NONE after hs_schema_fail().
 */
uint32_t hs_schema_compile(struct hs_schema *s, uint32_t di, uint32_t i)
{
	struct sdoc *sd = &s->docs[di];
	const struct hs_json_doc *d = &sd->doc;
	struct snode *n;
	const struct hs_schema_kw *kw;
	uint32_t id, res, additems = NONE;
	enum hs_json_type t = hs_json_type(d, i);
	struct hs_buf b = HS_BUF_INIT;

	if (s->failed)
		return NONE;
	if (sd->cnode[i] != NONE)
		return sd->cnode[i];
	if (t != HS_JSON_OBJECT && t != HS_JSON_TRUE && t != HS_JSON_FALSE) {
		hs_schema_fail(s, "a schema must be an object or a boolean");
		return NONE;
	}
	s->nodes =
	    hs_xgrow(s->nodes, sizeof(*s->nodes), s->nnodes + 1, &s->capnodes);
	id = s->nnodes++;
	n = N(s, id);
	memset(n, 0, sizeof(*n));
	res = sd->res[i];
	n->boolean = t == HS_JSON_OBJECT ? -1 : t == HS_JSON_TRUE;
	n->dialect = s->res[res].dialect;
	n->novalid = s->res[res].novalid;
	n->res = res;
	n->doc = di;
	n->at = i;
	n->constv = n->enumv = NONE;
	n->e_not = n->e_if = n->e_then = n->e_else = n->e_items = NONE;
	n->e_contains = n->e_addprops = n->e_propnames = NONE;
	n->e_uprops = n->e_uitems = n->e_ref = n->e_dynref = NONE;
	n->maxlen = n->minlen = n->maxitems = n->minitems = -1;
	n->maxprops = n->minprops = n->maxcontains = n->mincontains = -1;
	n->abs = abs_loc(s, di, i);
	sd->cnode[i] = id;
	if (t != HS_JSON_OBJECT)
		return id;
	if (n->dialect == D7 && get(s, di, i, "$ref") != NONE) {
		uint32_t k = get(s, di, i, "$ref") - 1;

		if (compile_kw(s, di, i, id, k, hs_schema_kw_find("$ref", 4),
		               &additems) < 0)
			return NONE;
		return id;
	}
	HS_JSON_FOREACH_MEMBER(d, i, k)
	{
		key_str(DOC(s, di), k, &b);
		/* with a keyword given twice the last wins, as for events */
		if (hs_json_obj_get(DOC(s, di), i, b.data, b.len) != k + 1)
			continue;
		kw = hs_schema_kw_find(b.data, b.len);
		if (!kw || (N(s, id)->novalid && kw->valid))
			continue;
		if (compile_kw(s, di, i, id, k, kw, &additems) < 0) {
			hs_buf_release(&b);
			return NONE;
		}
		d = DOC(s, di);
	}
	hs_buf_release(&b);
	return id;
}
