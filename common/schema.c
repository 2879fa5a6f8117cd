/*
 * schema.c: JSON Schema (drafts 2020-12, 2019-09, 7) documents: compile
 * errors, URI resolution (RFC 3986), dialects from "$schema", loading
 * documents through the caller's callback, indexing their resources and
 * anchors, and hs_schema_new/hs_schema_free.  Compiling keywords is
 * schema-compile.c's; validating, schema-eval.c's and schema-output.c's.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "json.h"
#include "regex.h"
#include "schema-int.h"
#include "schema.h"
#include "banned.h"

int hs_schema_fail(struct hs_schema *s, const char *fmt, ...)
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
char *hs_schema_uri_resolve(const char *base, const char *ref)
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
char *hs_schema_split_frag(char *uri)
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

char *hs_schema_str_dup(const struct hs_json_doc *d, uint32_t i)
{
	struct hs_buf b = HS_BUF_INIT;

	hs_json_str_decode(d, i, &b);
	hs_buf_addc(&b, '\0'); /* an empty string still gets storage */
	return hs_buf_detach(&b, NULL);
}

/* Append JSON Pointer token s (RFC 6901 escapes) to b. */
void hs_schema_add_token(struct hs_buf *b, const char *s, size_t n)
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

	hs_schema_split_frag(u);
	for (di = 0; di < s->nres; di++)
		if (!strcmp(s->res[di].uri, u))
			break;
	if (di < s->nres) {
		di = s->res[di].doc;
	} else if (hs_schema_load_doc(s, u, D2020, &di) < 0) {
		s->failed = 0;
		free(u);
		return hs_schema_fail(s, "unknown dialect '%s' in $schema",
		                      uri);
	}
	free(u);
	ms = get(s, di, 0, "$schema");
	if (ms == NONE || hs_json_type(DOC(s, di), ms) != HS_JSON_STRING)
		return hs_schema_fail(s, "unknown dialect '%s' in $schema",
		                      uri);
	ok = known_dialect(key_str(DOC(s, di), ms, &b), dl);
	if (!ok) {
		hs_buf_release(&b);
		return hs_schema_fail(s, "unknown dialect '%s' in $schema",
		                      uri);
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
				hs_schema_fail(
				    s, "unsupported required vocabulary '%s'",
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
		kw = hs_schema_kw_of(d, k);
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
		return hs_schema_fail(s, "schema nested too deeply");
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
			char *u = hs_schema_uri_resolve(s->res[res].uri, id);
			char *f = hs_schema_split_frag(u);

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
		return hs_schema_fail(s, "more than %d schema documents",
		                      MAX_DOCS);
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
		return hs_schema_fail(s, "'%s': byte %zu: %s", uri,
		                      sd->doc.err_off + 1, msg);
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

int hs_schema_load_doc(struct hs_schema *s, const char *uri, int dl,
                       uint32_t *out)
{
	struct hs_buf b = HS_BUF_INIT;
	char eb[300];
	size_t len;
	char *text;

	if (!s->o.load)
		return hs_schema_fail(s, "cannot resolve '%s': no loader", uri);
	eb[0] = '\0';
	if (s->o.load(s->o.load_ctx, uri, &b, eb, sizeof(eb)) < 0) {
		hs_buf_release(&b);
		return hs_schema_fail(s, "cannot load '%s': %s", uri, eb);
	}
	text = hs_buf_detach(&b, &len);
	return add_doc(s, text, len, uri, dl, out);
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
	s->root = hs_schema_compile(s, di, 0);
	if (s->root == NONE)
		goto bad;
	/* every dynamic anchor a $dynamicRef may land on, compiled now so
	 * validation never compiles (the list grows while loading) */
	for (uint32_t a = 0; a < s->nanchors; a++) {
		uint32_t c;

		if (!s->anchors[a].dynamic || !s->docs[s->anchors[a].doc].used)
			continue;
		c = hs_schema_compile(s, s->anchors[a].doc, s->anchors[a].node);
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
