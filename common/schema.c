#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "format.h"
#include "json.h"
#include "num.h"
#include "regex.h"
#include "schema-int.h"
#include "schema.h"
#include "banned.h"

#define NONE UINT32_MAX
#define MAX_DEPTH 1500 /* nested subschema evaluations per instance */
#define MAX_DOCS 256   /* documents one schema may pull in */

enum dialect { D2020, D2019, D7 };

/* Instance type bits for "type". */
enum {
	T_NULL = 1,
	T_BOOL = 2,
	T_NUMBER = 4,
	T_INTEGER = 8,
	T_STRING = 16,
	T_ARRAY = 32,
	T_OBJECT = 64
};

/* One loaded document.  Per-node arrays are indexed by JSON node. */
struct sdoc {
	char *text; /* owned */
	size_t len;
	struct hs_json_doc doc;
	uint32_t *parent; /* parent JSON node, NONE for the root */
	uint32_t *res;    /* the resource each JSON node belongs to */
	uint32_t *cnode;  /* compiled node, NONE when not compiled yet */
	int used;         /* reached by a reference, not only by $schema */
};

/* A schema resource: a document root or a subschema with "$id". */
struct sres {
	char *uri; /* absolute, no fragment */
	uint32_t doc, node;
	uint8_t dialect;
	uint8_t novalid; /* metaschema leaves out the validation vocabulary */
	uint8_t alias;   /* a retrieval URI, not a resource of its own */
};

struct sanchor {
	char *name;
	uint32_t res, doc, node;
	int dynamic;
	uint32_t cnode;
};

struct lit {
	const char *p; /* number literal in the schema text, NULL if absent */
	size_t n;
};

/* An edge to a subschema, with the keyword path that leads there. */
struct edge {
	uint32_t node;
	char *rel;  /* "properties/a~1b": JSON Pointer tokens, owned */
	char *name; /* decoded property name (properties, dependent*) */
	size_t namelen;
	struct hs_regex *re; /* patternProperties */
	uint32_t json;       /* dependentRequired: the array node */
};

struct range {
	uint32_t start, n;
};

struct snode {
	int8_t boolean; /* -1: an object schema; 0/1: false/true */
	uint8_t dialect;
	uint8_t novalid;
	uint8_t unique;
	uint8_t has_uneval;
	uint32_t types;
	uint32_t res, doc, at;
	char *abs; /* absolute URI of this schema, "uri#/pointer" */
	struct lit maximum, exmaximum, minimum, exminimum, multipleof;
	int64_t maxlen, minlen, maxitems, minitems, maxprops, minprops;
	int64_t maxcontains, mincontains;
	uint32_t constv, enumv; /* JSON nodes in doc */
	struct hs_regex *pattern;
	char *format;
	struct range allof, anyof, oneof, prefix, props, pprops, depschemas,
	    depreq, required;
	uint32_t e_not, e_if, e_then, e_else, e_items, e_contains, e_addprops,
	    e_propnames, e_uprops, e_uitems, e_ref, e_dynref;
	char *dynname; /* $dynamicRef resolved at run time by this anchor */
};

/* Frames of the instance path, rendered only when an error is kept. */
struct iseg {
	uint32_t key; /* string node of the member name, or NONE */
	uint32_t idx;
};

struct hs_schema {
	struct hs_schema_opts o;
	struct sdoc *docs;
	uint32_t ndocs;
	size_t capdocs;
	struct sres *res;
	uint32_t nres;
	size_t capres;
	struct sanchor *anchors;
	uint32_t nanchors;
	size_t capanchors;
	struct snode *nodes;
	uint32_t nnodes;
	size_t capnodes;
	struct edge *edges;
	uint32_t nedges;
	size_t capedges;
	uint32_t root;
	char *errbuf;
	size_t errlen;
	int failed;

	/* validation state, reused from event to event */
	const struct hs_json_doc *d;
	int collect;
	int limit;      /* 1 regex, 2 depth, 3 steps */
	uint64_t steps; /* subschema applications in this pass */
	unsigned depth;
	struct hs_buf *errs;
	unsigned nerr, nerr_total;
	struct hs_schema_result *r;
	const char *iprefix;
	struct iseg ipath[MAX_DEPTH + 8];
	unsigned ni;
	const char *kpath[2 * MAX_DEPTH + 8];
	unsigned nk;
	uint32_t scope[MAX_DEPTH + 8];
	unsigned nscope;
	struct hs_buf tmp;
};

#define N(s, i) (&(s)->nodes[(i)])

static int fail(struct hs_schema *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(struct hs_schema *s, const char *fmt, ...)
{
	va_list ap;

	if (s->failed)
		return -1;
	s->failed = 1;
	if (s->errbuf && s->errlen) {
		va_start(ap, fmt);
		vsnprintf(s->errbuf, s->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ---- URIs (RFC 3986 section 5.2) ---- */

struct uri {
	const char *scheme, *auth, *path, *query, *frag;
	size_t sl, al, pl, ql, fl;
	int has_scheme, has_auth, has_query, has_frag;
};

static void uri_parse(const char *s, struct uri *u)
{
	size_t i = 0, n = strlen(s);

	memset(u, 0, sizeof(*u));
	while (i < n && s[i] != ':' && s[i] != '/' && s[i] != '?' &&
	       s[i] != '#')
		i++;
	if (i > 0 && i < n && s[i] == ':') {
		u->has_scheme = 1;
		u->scheme = s;
		u->sl = i;
		s += i + 1;
		n -= i + 1;
	}
	i = 0;
	if (n >= 2 && s[0] == '/' && s[1] == '/') {
		u->has_auth = 1;
		i = 2;
		while (i < n && s[i] != '/' && s[i] != '?' && s[i] != '#')
			i++;
		u->auth = s + 2;
		u->al = i - 2;
	}
	u->path = s + i;
	while (i < n && s[i] != '?' && s[i] != '#')
		i++;
	u->pl = (size_t)(s + i - u->path);
	if (i < n && s[i] == '?') {
		size_t st = ++i;

		while (i < n && s[i] != '#')
			i++;
		u->has_query = 1;
		u->query = s + st;
		u->ql = i - st;
	}
	if (i < n && s[i] == '#') {
		u->has_frag = 1;
		u->frag = s + i + 1;
		u->fl = n - i - 1;
	}
}

/* Append path p[0..n) to out with "." and ".." segments removed. */
static void remove_dots(struct hs_buf *out, const char *p, size_t n)
{
	size_t start = out->len, i = 0;

	while (i < n) {
		size_t j = i + 1;

		if (p[i] != '/') {
			/* a relative first segment (urn:, mailto:) */
			j = i;
		}
		while (j < n && p[j] != '/')
			j++;
		/* segment is p[i..j), starting with '/' unless first */
		size_t sl = j - i;
		const char *sg = p + i;

		if ((sl == 2 && !memcmp(sg, "/.", 2)) ||
		    (sl == 1 && sg[0] == '.')) {
			if (j == n)
				hs_buf_addc(out, '/');
		} else if ((sl == 3 && !memcmp(sg, "/..", 3)) ||
		           (sl == 2 && !memcmp(sg, "..", 2))) {
			while (out->len > start &&
			       out->data[out->len - 1] != '/')
				out->len--;
			if (out->len > start)
				out->len--;
			out->data[out->len] = '\0';
			if (j == n)
				hs_buf_addc(out, '/');
		} else {
			hs_buf_add(out, sg, sl);
		}
		i = j;
	}
}

/* "//authority" when u has one. */
static void add_auth(struct hs_buf *out, const struct uri *u)
{
	if (u->has_auth) {
		hs_buf_adds(out, "//");
		hs_buf_add(out, u->auth, u->al);
	}
}

/* "?query" when u has one. */
static void add_query(struct hs_buf *out, const struct uri *u)
{
	if (u->has_query) {
		hs_buf_addc(out, '?');
		hs_buf_add(out, u->query, u->ql);
	}
}

/* Resolve reference ref against absolute base; the result is malloc'ed. */
static char *uri_resolve(const char *base, const char *ref)
{
	struct uri b, r;
	struct hs_buf out = HS_BUF_INIT;
	const char *path;
	size_t pl;

	uri_parse(ref, &r);
	uri_parse(base ? base : "", &b);
	/* RFC 3986 5.2.2: scheme, authority and path from ref as far as it
	 * has them, the rest from base. */
	if (r.has_scheme || r.has_auth) {
		const struct uri *s = r.has_scheme ? &r : &b;

		if (s->has_scheme) {
			hs_buf_add(&out, s->scheme, s->sl);
			hs_buf_addc(&out, ':');
		}
		add_auth(&out, &r);
		remove_dots(&out, r.path, r.pl);
		add_query(&out, &r);
		goto frag;
	}
	if (b.has_scheme) {
		hs_buf_add(&out, b.scheme, b.sl);
		hs_buf_addc(&out, ':');
	}
	add_auth(&out, &b);
	if (r.pl == 0) {
		hs_buf_add(&out, b.path, b.pl);
		add_query(&out, r.has_query ? &r : &b);
		goto frag;
	}
	if (r.path[0] == '/') {
		remove_dots(&out, r.path, r.pl);
	} else {
		struct hs_buf m = HS_BUF_INIT;

		if (b.has_auth && b.pl == 0) {
			hs_buf_addc(&m, '/');
		} else {
			const char *slash = NULL;

			for (size_t i = 0; i < b.pl; i++)
				if (b.path[i] == '/')
					slash = b.path + i;
			if (slash)
				hs_buf_add(&m, b.path,
				           (size_t)(slash - b.path) + 1);
		}
		hs_buf_add(&m, r.path, r.pl);
		path = m.data;
		pl = m.len;
		remove_dots(&out, path, pl);
		hs_buf_release(&m);
	}
	add_query(&out, &r);
frag:
	if (r.has_frag) {
		hs_buf_addc(&out, '#');
		hs_buf_add(&out, r.frag, r.fl);
	}
	return hs_buf_detach(&out, NULL);
}

/* Split "uri#frag" in place: returns the fragment (percent-decoded) or "". */
static char *split_frag(char *uri)
{
	char *h = strchr(uri, '#'), *w, *f;

	if (!h)
		return uri + strlen(uri);
	*h = '\0';
	f = w = h + 1;
	for (char *p = f; *p; p++) {
		if (p[0] == '%' && p[1] && p[2] &&
		    strchr("0123456789abcdefABCDEF", p[1]) &&
		    strchr("0123456789abcdefABCDEF", p[2])) {
			char hex[3] = {p[1], p[2], 0};

			*w++ = (char)strtol(hex, NULL, 16);
			p += 2;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return f;
}

/* ---- small helpers over the schema documents ---- */

static const struct hs_json_doc *DOC(struct hs_schema *s, uint32_t di)
{
	return &s->docs[di].doc;
}

/* Member key as a NUL-terminated string in b (decoded). */
static const char *key_str(const struct hs_json_doc *d, uint32_t k,
                           struct hs_buf *b)
{
	hs_buf_reset(b);
	hs_json_str_decode(d, k, b);
	return b->data;
}

static int key_is(const struct hs_json_doc *d, uint32_t k, const char *s)
{
	return hs_json_str_eq(d, k, s, strlen(s));
}

static uint32_t get(struct hs_schema *s, uint32_t di, uint32_t obj,
                    const char *key)
{
	return hs_json_obj_get(DOC(s, di), obj, key, strlen(key));
}

static char *str_dup(const struct hs_json_doc *d, uint32_t i)
{
	struct hs_buf b = HS_BUF_INIT;

	hs_json_str_decode(d, i, &b);
	hs_buf_addc(&b, '\0'); /* an empty string still gets storage */
	return hs_buf_detach(&b, NULL);
}

/* Append JSON Pointer token s (RFC 6901 escapes) to b. */
static void add_token(struct hs_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '~')
			hs_buf_adds(b, "~0");
		else if (s[i] == '/')
			hs_buf_adds(b, "~1");
		else
			hs_buf_addc(b, s[i]);
	}
}

/* ---- dialects ---- */

static int known_dialect(const char *uri, int *dl)
{
	static const struct {
		const char *uri;
		int dl;
	} tab[] = {
	    {"https://json-schema.org/draft/2020-12/schema", D2020},
	    {"http://json-schema.org/draft/2020-12/schema", D2020},
	    {"https://json-schema.org/draft/2019-09/schema", D2019},
	    {"http://json-schema.org/draft/2019-09/schema", D2019},
	    {"http://json-schema.org/draft-07/schema", D7},
	    {"https://json-schema.org/draft-07/schema", D7},
	};
	size_t n = strlen(uri);

	if (n && uri[n - 1] == '#')
		n--;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strlen(tab[i].uri) == n && !memcmp(tab[i].uri, uri, n)) {
			*dl = tab[i].dl;
			return 1;
		}
	return 0;
}

static int load_doc(struct hs_schema *s, const char *uri, int dl,
                    uint32_t *out);

/*
 * The dialect a "$schema" value names: a known metaschema, or a custom
 * one whose own "$schema" is known and whose "$vocabulary" says which
 * vocabularies apply.
 */
static int dialect_of(struct hs_schema *s, const char *uri, int *dl,
                      int *novalid)
{
	uint32_t di, v, ms;
	struct hs_buf b = HS_BUF_INIT;
	int has_valid = 0, ok;

	*novalid = 0;
	if (known_dialect(uri, dl))
		return 0;
	char *u = hs_xstrdup(uri);

	split_frag(u);
	for (di = 0; di < s->nres; di++)
		if (!strcmp(s->res[di].uri, u))
			break;
	if (di < s->nres) {
		di = s->res[di].doc;
	} else if (load_doc(s, u, D2020, &di) < 0) {
		s->failed = 0;
		free(u);
		return fail(s, "unknown dialect '%s' in $schema", uri);
	}
	free(u);
	ms = get(s, di, 0, "$schema");
	if (ms == NONE || hs_json_type(DOC(s, di), ms) != HS_JSON_STRING)
		return fail(s, "unknown dialect '%s' in $schema", uri);
	ok = known_dialect(key_str(DOC(s, di), ms, &b), dl);
	if (!ok) {
		hs_buf_release(&b);
		return fail(s, "unknown dialect '%s' in $schema", uri);
	}
	v = get(s, di, 0, "$vocabulary");
	if (v != NONE && hs_json_type(DOC(s, di), v) == HS_JSON_OBJECT) {
		HS_JSON_FOREACH_MEMBER(DOC(s, di), v, k)
		{
			const char *name = key_str(DOC(s, di), k, &b);

			if (strstr(name, "/vocab/validation"))
				has_valid = 1;
			else if (!strstr(name, "json-schema.org/draft/") &&
			         hs_json_type(DOC(s, di), k + 1) ==
			             HS_JSON_TRUE) {
				fail(s, "unsupported required vocabulary '%s'",
				     name);
				hs_buf_release(&b);
				return -1;
			}
		}
		*novalid = !has_valid;
	}
	hs_buf_release(&b);
	return 0;
}

/* ---- indexing: resources and anchors of a document ---- */

static uint32_t add_res(struct hs_schema *s, const char *uri, uint32_t di,
                        uint32_t node, int dl, int novalid, int alias)
{
	struct sres *r;

	s->res = hs_xgrow(s->res, sizeof(*s->res), s->nres + 1, &s->capres);
	r = &s->res[s->nres];
	r->uri = hs_xstrdup(uri);
	r->doc = di;
	r->node = node;
	r->dialect = (uint8_t)dl;
	r->novalid = (uint8_t)novalid;
	r->alias = (uint8_t)alias;
	return s->nres++;
}

static void add_anchor(struct hs_schema *s, uint32_t res, uint32_t di,
                       uint32_t node, const char *name, int dynamic)
{
	struct sanchor *a;

	s->anchors = hs_xgrow(s->anchors, sizeof(*s->anchors), s->nanchors + 1,
	                      &s->capanchors);
	a = &s->anchors[s->nanchors++];
	a->name = hs_xstrdup(name);
	a->res = res;
	a->doc = di;
	a->node = node;
	a->dynamic = dynamic;
	a->cnode = NONE;
}

static void fill_res(struct sdoc *sd, uint32_t i, uint32_t res)
{
	for (uint32_t j = i; j < sd->doc.nodes[i].end; j++)
		sd->res[j] = res;
}

static const struct hs_schema_kw *kw_of(const struct hs_json_doc *d,
                                        uint32_t k);
static int walk(struct hs_schema *s, uint32_t di, uint32_t i, uint32_t res,
                int depth);

static int walk_children(struct hs_schema *s, uint32_t di, uint32_t i,
                         uint32_t res, int depth)
{
	const struct hs_json_doc *d = DOC(s, di);

	HS_JSON_FOREACH_MEMBER(d, i, k)
	{
		uint32_t v = k + 1;
		const struct hs_schema_kw *kw;
		int kind;

		d = DOC(s, di); /* a nested walk may load and move documents */
		kw = kw_of(d, k);
		kind = kw ? kw->sub : HS_SCHEMA_SUB_NONE;
		enum hs_json_type t = hs_json_type(d, v);

		if (kind == HS_SCHEMA_SUB_ONE ||
		    (kind == HS_SCHEMA_SUB_ITEMS && t != HS_JSON_ARRAY)) {
			if (walk(s, di, v, res, depth + 1) < 0)
				return -1;
		} else if (kind == HS_SCHEMA_SUB_ARRAY ||
		           kind == HS_SCHEMA_SUB_ITEMS) {
			if (t != HS_JSON_ARRAY)
				continue;
			HS_JSON_FOREACH_ELEM(DOC(s, di), v, e)
			{
				if (walk(s, di, e, res, depth + 1) < 0)
					return -1;
			}
		} else if (kind == HS_SCHEMA_SUB_MAP ||
		           kind == HS_SCHEMA_SUB_DEPS) {
			if (t != HS_JSON_OBJECT)
				continue;
			HS_JSON_FOREACH_MEMBER(DOC(s, di), v, m)
			{
				if (hs_json_type(DOC(s, di), m + 1) ==
				    HS_JSON_ARRAY)
					continue;
				if (walk(s, di, m + 1, res, depth + 1) < 0)
					return -1;
			}
		}
	}
	return 0;
}

/*
 * Index the subschema at JSON node i of document di: a "$id" opens a
 * new resource (with its own "$schema"), "$anchor" and "$dynamicAnchor"
 * name locations in it.  Only keywords that hold subschemas are followed,
 * so an "$id" inside "const" or "enum" data names nothing.
 */
static int walk(struct hs_schema *s, uint32_t di, uint32_t i, uint32_t res,
                int depth)
{
	const struct hs_json_doc *d = DOC(s, di);
	struct hs_buf b = HS_BUF_INIT;
	uint32_t v;
	int dl = s->res[res].dialect, novalid = s->res[res].novalid;

	if (hs_json_type(d, i) != HS_JSON_OBJECT)
		return 0;
	if (depth > 600)
		return fail(s, "schema nested too deeply");
	v = get(s, di, i, "$schema");
	if (v != NONE && hs_json_type(d, v) == HS_JSON_STRING &&
	    (i == 0 || get(s, di, i, "$id") != NONE)) {
		if (dialect_of(s, key_str(d, v, &b), &dl, &novalid) < 0)
			goto bad;
		d = DOC(s, di); /* loading may have moved the documents */
		if (i == 0) {
			s->res[res].dialect = (uint8_t)dl;
			s->res[res].novalid = (uint8_t)novalid;
		}
	}
	v = get(s, di, i, "$id");
	if (v != NONE && dl == D7 && get(s, di, i, "$ref") != NONE)
		v = NONE; /* draft-07: $ref hides its siblings, $id too */
	if (v != NONE && hs_json_type(d, v) == HS_JSON_STRING) {
		const char *id = key_str(d, v, &b);

		if (dl == D7 && id[0] == '#') {
			add_anchor(s, res, di, i, id + 1, 0);
		} else {
			char *u = uri_resolve(s->res[res].uri, id);
			char *f = split_frag(u);

			if (*f && dl == D7) {
				/* "http://x/y.json#foo": base plus anchor */
				uint32_t nr =
				    add_res(s, u, di, i, dl, novalid, 0);

				fill_res(&s->docs[di], i, nr);
				add_anchor(s, nr, di, i, f, 0);
				res = nr;
			} else if (i == 0) {
				/* the document root: its $id replaces the base */
				free(s->res[res].uri);
				s->res[res].uri = hs_xstrdup(u);
			} else {
				res = add_res(s, u, di, i, dl, novalid, 0);
				fill_res(&s->docs[di], i, res);
			}
			free(u);
		}
	}
	if (dl != D7) {
		v = get(s, di, i, "$anchor");
		if (v != NONE && hs_json_type(d, v) == HS_JSON_STRING)
			add_anchor(s, res, di, i, key_str(d, v, &b), 0);
		v = get(s, di, i, "$dynamicAnchor");
		if (v != NONE && hs_json_type(d, v) == HS_JSON_STRING &&
		    dl == D2020) {
			add_anchor(s, res, di, i, key_str(d, v, &b), 1);
		}
		v = get(s, di, i, "$recursiveAnchor");
		if (v != NONE && hs_json_type(d, v) == HS_JSON_TRUE &&
		    dl == D2019)
			add_anchor(s, res, di, i, "", 1);
	}
	hs_buf_release(&b);
	return walk_children(s, di, i, res, depth);
bad:
	hs_buf_release(&b);
	return -1;
}

/*
 * Add a document (takes ownership of text) known by uri, in dialect dl
 * unless its "$schema" says otherwise, and index it.
 */
static int add_doc(struct hs_schema *s, char *text, size_t len, const char *uri,
                   int dl, uint32_t *out)
{
	struct sdoc *sd;
	uint32_t di, r, n;

	if (s->ndocs >= MAX_DOCS) {
		free(text);
		return fail(s, "more than %d schema documents", MAX_DOCS);
	}
	s->docs =
	    hs_xgrow(s->docs, sizeof(*s->docs), s->ndocs + 1, &s->capdocs);
	di = s->ndocs;
	sd = &s->docs[di];
	memset(sd, 0, sizeof(*sd));
	sd->text = text;
	sd->len = len;
	hs_json_doc_init(&sd->doc);
	if (hs_json_parse(&sd->doc, text, len) < 0) {
		char msg[200];

		snprintf(msg, sizeof(msg), "%s", sd->doc.err);
		hs_json_doc_release(&sd->doc);
		free(text);
		return fail(s, "'%s': byte %zu: %s", uri, sd->doc.err_off + 1,
		            msg);
	}
	s->ndocs++;
	n = sd->doc.n;
	sd->parent = hs_xmalloc(n * sizeof(uint32_t));
	sd->res = hs_xmalloc(n * sizeof(uint32_t));
	sd->cnode = hs_xmalloc(n * sizeof(uint32_t));
	for (uint32_t i = 0; i < n; i++) {
		sd->parent[i] = NONE;
		sd->cnode[i] = NONE;
	}
	for (uint32_t i = 0; i < n; i++) {
		enum hs_json_type t = (enum hs_json_type)sd->doc.nodes[i].type;

		if (t == HS_JSON_OBJECT) {
			HS_JSON_FOREACH_MEMBER(&sd->doc, i, k)
			{
				sd->parent[k] = i;
				sd->parent[k + 1] = i;
			}
		} else if (t == HS_JSON_ARRAY) {
			HS_JSON_FOREACH_ELEM(&sd->doc, i, e)
			{
				sd->parent[e] = i;
			}
		}
	}
	r = add_res(s, uri, di, 0, dl, 0, 0);
	fill_res(sd, 0, r);
	if (walk(s, di, 0, r, 0) < 0)
		return -1;
	/* the retrieval URI names the document even when its $id differs */
	if (strcmp(s->res[r].uri, uri))
		add_res(s, uri, di, 0, s->res[r].dialect, s->res[r].novalid, 1);
	*out = di;
	return 0;
}

static int load_doc(struct hs_schema *s, const char *uri, int dl, uint32_t *out)
{
	struct hs_buf b = HS_BUF_INIT;
	char eb[300];
	size_t len;
	char *text;

	if (!s->o.load)
		return fail(s, "cannot resolve '%s': no loader", uri);
	eb[0] = '\0';
	if (s->o.load(s->o.load_ctx, uri, &b, eb, sizeof(eb)) < 0) {
		hs_buf_release(&b);
		return fail(s, "cannot load '%s': %s", uri, eb);
	}
	text = hs_buf_detach(&b, &len);
	return add_doc(s, text, len, uri, dl, out);
}

/* ---- compiling ---- */

static uint32_t compile(struct hs_schema *s, uint32_t di, uint32_t i);

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
	char *u = uri_resolve(s->res[r].uri, ref);
	char *f = split_frag(u);
	uint32_t rr = find_res(s, u), node;

	*anchor = NULL;
	if (rr == NONE) {
		if (load_doc(s, u, s->res[r].dialect, &ndi) < 0)
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
	fail(s, "cannot resolve $ref '%s'", ref);
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
	c = compile(s, di, v);
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
		return fail(s, "%s must be a string", kw);
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
	c = compile(s, tdi, ti);
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
		return fail(s, "%s must be a non-negative integer", kw);
	if (hs_json_raw(d, v)[0] == '-' &&
	    hs_num_cmp(hs_json_raw(d, v), d->nodes[v].len, "0", 1) < 0)
		return fail(s, "%s must be a non-negative integer", kw);
	if (hs_json_int64(d, v, out) < 0)
		*out = INT64_MAX;
	return 0;
}

static int number(struct hs_schema *s, uint32_t di, uint32_t v, const char *kw,
                  struct lit *out)
{
	const struct hs_json_doc *d = DOC(s, di);

	if (hs_json_type(d, v) != HS_JSON_NUMBER)
		return fail(s, "%s must be a number", kw);
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
		return fail(s, "type must be a string or an array of strings");
	for (j = 0; j < sizeof(tab) / sizeof(tab[0]); j++)
		if (key_is(d, v, tab[j].name)) {
			*bits |= tab[j].bit;
			return 0;
		}
	return fail(s, "unknown type in 'type'");
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
			add_token(&b, k.data, k.len);
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
		return fail(s, "%s must be an array of schemas", kw);
	rg->n = d->nodes[v].count;
	rg->start = new_edges(s, rg->n);
	HS_JSON_FOREACH_ELEM(DOC(s, di), v, e)
	{
		uint32_t c;

		snprintf(rel, sizeof(rel), "%s/%u", kw, j);
		s->edges[rg->start + j].rel = hs_xstrdup(rel);
		c = compile(s, di, e);
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
		return fail(s, "%s must be an object", kw);
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
		add_token(&rel, b.data, b.len);
		ed->rel = hs_xstrdup(rel.data);
		ed->name = hs_xmemdup(b.data, b.len + 1);
		ed->namelen = b.len;
		if (kind == 'r') {
			ed->re = hs_regex_new(b.data, b.len, eb, sizeof(eb));
			if (!ed->re) {
				fail(s, "patternProperties: %s", eb);
				goto bad;
			}
		}
		if (kind == 'q') {
			if (hs_json_type(DOC(s, di), k + 1) != HS_JSON_ARRAY) {
				fail(s, "%s values must be arrays", kw);
				goto bad;
			}
			ed->json = k + 1;
		} else {
			c = compile(s, di, k + 1);
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
		return fail(s, "dependencies must be an object");
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
		add_token(&rel, b.data, b.len);
		s->edges[ei].rel = hs_xstrdup(rel.data);
		s->edges[ei].name = hs_xmemdup(b.data, b.len + 1);
		s->edges[ei].namelen = b.len;
		if (isarr) {
			s->edges[ei].json = k + 1;
			continue;
		}
		c = compile(s, di, k + 1);
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
		return fail(a->s, "enum must be an array");
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
		return fail(a->s, "multipleOf must be greater than 0");
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
		return fail(a->s, "pattern must be a string");
	hs_json_str_decode(DOC(a->s, a->di), a->v, &p);
	re = hs_regex_new(p.data, p.len, eb, sizeof(eb));
	hs_buf_release(&p);
	N(a->s, a->id)->pattern = re;
	if (!re)
		return fail(a->s, "pattern: %s", eb);
	return 0;
}

KWFN(c_format)
{
	(void)kw;
	if (a->t == HS_JSON_STRING)
		N(a->s, a->id)->format = str_dup(DOC(a->s, a->di), a->v);
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
		return fail(s, "required must be an array of strings");
	req->n = d->nodes[a->v].count;
	req->start = new_edges(s, req->n);
	HS_JSON_FOREACH_ELEM(d, a->v, e)
	{
		struct edge *ed = &s->edges[req->start + j++];

		if (hs_json_type(d, e) != HS_JSON_STRING)
			return fail(s, "required must be an array of strings");
		ed->name = str_dup(d, e);
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
static const struct hs_schema_kw *kw_of(const struct hs_json_doc *d, uint32_t k)
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
 * the node id, or NONE after fail().
 */
static uint32_t compile(struct hs_schema *s, uint32_t di, uint32_t i)
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
		fail(s, "a schema must be an object or a boolean");
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

/* ---- public: building and freeing ---- */

void hs_schema_free(struct hs_schema *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->ndocs; i++) {
		hs_json_doc_release(&s->docs[i].doc);
		free(s->docs[i].text);
		free(s->docs[i].parent);
		free(s->docs[i].res);
		free(s->docs[i].cnode);
	}
	free(s->docs);
	for (uint32_t i = 0; i < s->nres; i++)
		free(s->res[i].uri);
	free(s->res);
	for (uint32_t i = 0; i < s->nanchors; i++)
		free(s->anchors[i].name);
	free(s->anchors);
	for (uint32_t i = 0; i < s->nnodes; i++) {
		free(s->nodes[i].abs);
		hs_regex_free(s->nodes[i].pattern);
		free(s->nodes[i].format);
		free(s->nodes[i].dynname);
	}
	free(s->nodes);
	for (uint32_t i = 0; i < s->nedges; i++) {
		free(s->edges[i].rel);
		free(s->edges[i].name);
		hs_regex_free(s->edges[i].re);
	}
	free(s->edges);
	hs_buf_release(&s->tmp);
	free(s);
}

struct hs_schema *hs_schema_new(const char *text, size_t len,
                                const char *base_uri,
                                const struct hs_schema_opts *o, char *errbuf,
                                size_t errlen)
{
	struct hs_schema *s = hs_xcalloc(1, sizeof(*s));
	uint32_t di;

	if (o)
		s->o = *o;
	if (!s->o.max_errors)
		s->o.max_errors = 10;
	s->errbuf = errbuf;
	s->errlen = errlen;
	hs_buf_init(&s->tmp);
	if (add_doc(s, hs_xmemdup(text, len), len,
	            base_uri ? base_uri : "urn:hs:schema", D2020, &di) < 0)
		goto bad;
	s->docs[di].used = 1;
	s->root = compile(s, di, 0);
	if (s->root == NONE)
		goto bad;
	/* every dynamic anchor a $dynamicRef may land on, compiled now so
	 * validation never compiles (the list grows while loading) */
	for (uint32_t a = 0; a < s->nanchors; a++) {
		uint32_t c;

		if (!s->anchors[a].dynamic || !s->docs[s->anchors[a].doc].used)
			continue;
		c = compile(s, s->anchors[a].doc, s->anchors[a].node);
		if (c == NONE)
			goto bad;
		s->anchors[a].cnode = c;
	}
	s->errbuf = NULL;
	s->errlen = 0;
	return s;
bad:
	if (!s->failed)
		hs_seterr(errbuf, errlen, "cannot compile schema");
	hs_schema_free(s);
	return NULL;
}

/* ---- validation ---- */

void hs_schema_result_init(struct hs_schema_result *r)
{
	memset(r, 0, sizeof(*r));
	hs_buf_init(&r->out);
	hs_buf_init(&r->first_kw);
	hs_buf_init(&r->first_msg);
}

void hs_schema_result_release(struct hs_schema_result *r)
{
	hs_buf_release(&r->out);
	hs_buf_release(&r->first_kw);
	hs_buf_release(&r->first_msg);
}

static void render_ipath(struct hs_schema *s, struct hs_buf *b)
{
	struct hs_buf k = HS_BUF_INIT;

	hs_buf_adds(b, s->iprefix);
	for (unsigned i = 0; i < s->ni; i++) {
		hs_buf_addc(b, '/');
		if (s->ipath[i].key == NONE) {
			hs_buf_addf(b, "%u", s->ipath[i].idx);
		} else {
			key_str(s->d, s->ipath[i].key, &k);
			add_token(b, k.data, k.len);
		}
	}
	hs_buf_release(&k);
}

static void render_kpath(struct hs_schema *s, struct hs_buf *b, const char *kw)
{
	for (unsigned i = 0; i < s->nk; i++) {
		hs_buf_addc(b, '/');
		hs_buf_adds(b, s->kpath[i]);
	}
	if (kw && *kw) {
		hs_buf_addc(b, '/');
		hs_buf_adds(b, kw);
	}
}

static void verr(struct hs_schema *s, uint32_t node, const char *kw,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Record one error at the current locations (when errors are wanted). */
static void verr(struct hs_schema *s, uint32_t node, const char *kw,
                 const char *fmt, ...)
{
	struct hs_buf *o = s->errs, t = HS_BUF_INIT;
	va_list ap;

	if (!s->collect)
		return;
	s->nerr_total++;
	if (s->nerr >= s->o.max_errors)
		return;
	if (s->nerr++)
		hs_buf_addc(o, ',');
	hs_buf_adds(o, "{\"instanceLocation\":");
	render_ipath(s, &t);
	hs_json_write_str(o, t.data, t.len);
	hs_buf_reset(&t);
	render_kpath(s, &t, kw);
	hs_buf_adds(o, ",\"keywordLocation\":");
	hs_json_write_str(o, t.data, t.len);
	if (s->nerr == 1 && s->r) {
		hs_buf_reset(&s->r->first_kw);
		hs_buf_add(&s->r->first_kw, t.data, t.len);
	}
	hs_buf_reset(&t);
	hs_buf_adds(&t, N(s, node)->abs);
	if (kw && *kw) {
		hs_buf_addc(&t, '/');
		hs_buf_adds(&t, kw);
	}
	hs_buf_adds(o, ",\"absoluteKeywordLocation\":");
	hs_json_write_str(o, t.data, t.len);
	hs_buf_reset(&t);
	va_start(ap, fmt);
	hs_buf_vaddf(&t, fmt, ap);
	va_end(ap);
	hs_buf_adds(o, ",\"error\":");
	hs_json_write_str(o, t.data, t.len);
	hs_buf_addc(o, '}');
	if (s->nerr == 1 && s->r) {
		hs_buf_reset(&s->r->first_msg);
		hs_buf_add(&s->r->first_msg, t.data, t.len);
	}
	hs_buf_release(&t);
}

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
			verr(s, node, "type", "%s is not of the expected type",
			     type_name(d, inst));
			ok = 0;
			if (!s->collect)
				return 0;
		}
	}
	if (n->constv != NONE &&
	    !hs_json_equal(d, inst, DOC(s, n->doc), n->constv)) {
		verr(s, node, "const", "value does not equal the constant");
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
			verr(s, node, "enum", "value is not one of the enum");
			ok = 0;
		}
	}
	if (t == HS_JSON_NUMBER) {
		const char *p = hs_json_raw(d, inst);
		size_t len = d->nodes[inst].len;

		if (n->maximum.p &&
		    hs_num_cmp(p, len, n->maximum.p, n->maximum.n) > 0) {
			verr(s, node, "maximum", "%.*s is greater than %.*s",
			     (int)len, p, (int)n->maximum.n, n->maximum.p);
			ok = 0;
		}
		if (n->exmaximum.p &&
		    hs_num_cmp(p, len, n->exmaximum.p, n->exmaximum.n) >= 0) {
			verr(s, node, "exclusiveMaximum",
			     "%.*s is not less than %.*s", (int)len, p,
			     (int)n->exmaximum.n, n->exmaximum.p);
			ok = 0;
		}
		if (n->minimum.p &&
		    hs_num_cmp(p, len, n->minimum.p, n->minimum.n) < 0) {
			verr(s, node, "minimum", "%.*s is less than %.*s",
			     (int)len, p, (int)n->minimum.n, n->minimum.p);
			ok = 0;
		}
		if (n->exminimum.p &&
		    hs_num_cmp(p, len, n->exminimum.p, n->exminimum.n) <= 0) {
			verr(s, node, "exclusiveMinimum",
			     "%.*s is not greater than %.*s", (int)len, p,
			     (int)n->exminimum.n, n->exminimum.p);
			ok = 0;
		}
		if (n->multipleof.p &&
		    !multiple_of(p, len, n->multipleof.p, n->multipleof.n)) {
			verr(s, node, "multipleOf",
			     "%.*s is not a multiple of %.*s", (int)len, p,
			     (int)n->multipleof.n, n->multipleof.p);
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
			verr(s, node, "maxLength",
			     "string of %zu characters is longer than %lld", cp,
			     (long long)n->maxlen);
			ok = 0;
		}
		if (n->minlen >= 0 && cp < (uint64_t)n->minlen) {
			verr(s, node, "minLength",
			     "string of %zu characters is shorter than %lld",
			     cp, (long long)n->minlen);
			ok = 0;
		}
		if (n->pattern) {
			int m = hs_regex_search(n->pattern, p, len);

			if (m == HS_REGEX_LIMIT) {
				s->limit = 1;
				verr(s, node, "pattern",
				     "regular expression match limit exceeded");
				ok = 0;
			} else if (m == HS_REGEX_NOMATCH) {
				verr(s, node, "pattern",
				     "string does not match the pattern");
				ok = 0;
			}
		}
		if (n->format && s->o.assert_format &&
		    hs_format_check(n->format, p, len) == 0) {
			verr(s, node, "format", "string is not a valid %s",
			     n->format);
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
		verr(s, node, "maxItems",
		     "array of %u items has more than %lld", count,
		     (long long)n->maxitems);
		ok = 0;
	}
	if (n->minitems >= 0 && count < (uint64_t)n->minitems) {
		verr(s, node, "minItems",
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
			verr(s, node, "contains",
			     min == 1
			         ? "no item matches the contains schema"
			         : "too few items match the contains schema");
			ok = 0;
		}
		if (n->maxcontains >= 0 && (int64_t)matches > n->maxcontains) {
			verr(s, node, "maxContains",
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
					verr(s, node, "uniqueItems",
					     "item %u is repeated", ia);
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
		verr(s, node, "maxProperties",
		     "object of %u members has more than %lld", count,
		     (long long)n->maxprops);
		ok = 0;
	}
	if (n->minprops >= 0 && count < (uint64_t)n->minprops) {
		verr(s, node, "minProperties",
		     "object of %u members has fewer than %lld", count,
		     (long long)n->minprops);
		ok = 0;
	}
	for (uint32_t j = 0; j < n->required.n; j++) {
		const struct edge *e = &s->edges[n->required.start + j];

		if (!has_member(d, inst, e->name, e->namelen)) {
			verr(s, node, "required",
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
				verr(s, node, e->rel,
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
				verr(s, node, "patternProperties",
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
			verr(s, node, "anyOf", "no subschema of anyOf matches");
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
			verr(s, node, "oneOf", "no subschema of oneOf matches");
			explain(s, rg, inst);
			ok = 0;
		} else if (p > 1) {
			verr(s, node, "oneOf",
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
			verr(s, node, "not", "value matches the not schema");
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
		verr(s, node, "", "no value is allowed here (false schema)");
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
		verr(s, node, "", "validation needs more than %d steps",
		     HS_SCHEMA_MAX_STEPS);
		return 0;
	}
	if (++s->depth > MAX_DEPTH) {
		s->limit = 2;
		verr(s, node, "", "schema recursion deeper than %d", MAX_DEPTH);
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
