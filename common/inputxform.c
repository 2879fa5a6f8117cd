/*
 * inputxform.c: EventBridge's input transformer, InputPathsMap and
 * InputTemplate (inputxform.h), compiled once and applied per event,
 * shared by hs-transform and hs-fanout's targets.  It uses no jq.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "inputxform.h"
#include "json.h"
#include "timeutil.h"
#include "banned.h"

/* Placeholder references: >= 0 a variable, negative the reserved ones. */
enum {
	REF_NONE = -1,
	REF_EVENT = -2,
	REF_EVENT_JSON = -3,
	REF_RULE_NAME = -4,
	REF_RULE_ARN = -5,
	REF_INGESTION = -6
};

static const struct {
	const char *name;
	int ref;
} reserved[] = {
    {"aws.events.event", REF_EVENT},
    {"aws.events.event.json", REF_EVENT_JSON},
    {"aws.events.rule-name", REF_RULE_NAME},
    {"aws.events.rule-arn", REF_RULE_ARN},
    {"aws.events.event.ingestion-time", REF_INGESTION},
};

/* Where a placeholder sits, which decides how a value is spelled. */
enum ctx { CTX_JSON, CTX_STRING, CTX_TEXT };

struct step {
	char *key; /* owned; NULL for an index or wildcard step */
	size_t keylen;
	uint32_t idx;
	int wild; /* ".*" or "[*]": every member or element */
};

struct var {
	char *name;         /* owned */
	struct step *steps; /* owned */
	size_t nsteps;
	int wild; /* some step is a wildcard: the value is an array */
};

/* The template as literal pieces, each followed by one placeholder. */
struct seg {
	size_t off, len; /* literal text in x->lit */
	int ref;         /* REF_NONE after the last piece */
	enum ctx ctx;
};

struct hs_inputxform {
	struct var *vars;
	size_t nvars;
	struct seg *segs;
	size_t nsegs, segcap;
	struct hs_buf lit;
	int json;
};

void hs_inputxform_free(struct hs_inputxform *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->nvars; i++) {
		for (size_t s = 0; s < x->vars[i].nsteps; s++)
			free(x->vars[i].steps[s].key);
		free(x->vars[i].steps);
		free(x->vars[i].name);
	}
	free(x->vars);
	free(x->segs);
	hs_buf_release(&x->lit);
	free(x);
}

int hs_inputxform_is_json(const struct hs_inputxform *x)
{
	return x->json;
}

/* "$", "$.a.b-c", "$.list[0].x", "$.items[*].id": EventBridge's dot
 * notation with array indexes and wildcards. */
static int compile_path(struct var *v, const char *p, char *errbuf,
                        size_t errlen)
{
	const char *s = p;
	size_t cap = 0;

	if (*s++ != '$')
		return hs_seterr(errbuf, errlen,
		                 "path '%s' of '%s' does not start with '$'", p,
		                 v->name);
	while (*s) {
		struct step st = {NULL, 0, 0, 0};

		if (s[0] == '.' && s[1] == '*' &&
		    (!s[2] || s[2] == '.' || s[2] == '[')) {
			st.wild = 1;
			s += 2;
		} else if (s[0] == '[' && s[1] == '*' && s[2] == ']') {
			st.wild = 1;
			s += 3;
		} else if (*s == '.') {
			const char *b = ++s;

			while (*s && *s != '.' && *s != '[')
				s++;
			if (s == b || memchr(b, '*', (size_t)(s - b)))
				goto bad;
			st.key = hs_xstrndup(b, (size_t)(s - b));
			st.keylen = (size_t)(s - b);
		} else if (*s == '[') {
			unsigned long n = 0;
			const char *b = ++s;

			while (*s >= '0' && *s <= '9' && n < 100000000)
				n = n * 10 + (unsigned long)(*s++ - '0');
			if (s == b || *s != ']')
				goto bad;
			s++;
			st.idx = (uint32_t)n;
		} else {
			goto bad;
		}
		v->steps =
		    hs_xgrow(v->steps, sizeof(*v->steps), v->nsteps + 1, &cap);
		v->steps[v->nsteps++] = st;
		v->wild |= st.wild;
	}
	return 0;
bad:
	return hs_seterr(errbuf, errlen,
	                 "path '%s' of '%s': only '$', '.member', '[index]', "
	                 "'.*' and '[*]' steps are supported",
	                 p, v->name);
}

/* The API's key pattern: [A-Za-z0-9_-]+. */
static int valid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

/* "AWS." in any case: the API's reserved prefix. */
static int aws_prefix(const char *s)
{
	return (s[0] | 0x20) == 'a' && (s[1] | 0x20) == 'w' &&
	       (s[2] | 0x20) == 's' && s[3] == '.';
}

/* Characters (code points) of UTF-8 text s[0..n), as the API counts. */
static size_t chars(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

static int compile_map(struct hs_inputxform *x, const char *json, char *errbuf,
                       size_t errlen)
{
	struct hs_json_doc d;
	struct hs_buf name = HS_BUF_INIT, path = HS_BUF_INIT;
	size_t cap = 0;
	int rc = -1;

	hs_json_doc_init(&d);
	if (hs_json_parse(&d, json, strlen(json)) < 0) {
		hs_seterr(errbuf, errlen, "input paths map: byte %zu: %s",
		          d.err_off + 1, d.err);
		goto out;
	}
	if (hs_json_type(&d, 0) != HS_JSON_OBJECT) {
		hs_seterr(errbuf, errlen,
		          "input paths map is not a JSON object");
		goto out;
	}
	if (d.nodes[0].count > HS_INPUTXFORM_MAX_PATHS) {
		hs_seterr(errbuf, errlen,
		          "input paths map has %u keys (at most %d)",
		          d.nodes[0].count, HS_INPUTXFORM_MAX_PATHS);
		goto out;
	}
	HS_JSON_FOREACH_MEMBER(&d, 0, k)
	{
		struct var *v;

		hs_buf_reset(&name);
		hs_json_str_decode(&d, k, &name);
		if (aws_prefix(name.data)) {
			hs_seterr(errbuf, errlen,
			          "input paths map key '%.64s' is reserved "
			          "(keys cannot start with 'AWS.')",
			          name.data);
			goto out;
		}
		if (chars(name.data, name.len) > HS_INPUTXFORM_MAX_KEY) {
			hs_seterr(errbuf, errlen,
			          "input paths map key '%.32s...' is %zu "
			          "characters (at most %d)",
			          name.data, chars(name.data, name.len),
			          HS_INPUTXFORM_MAX_KEY);
			goto out;
		}
		if (!valid_name(name.data)) {
			hs_seterr(errbuf, errlen,
			          "invalid input paths map key '%.64s' (only "
			          "A-Z, a-z, 0-9, '_' and '-')",
			          name.data);
			goto out;
		}
		if (hs_json_type(&d, k + 1) != HS_JSON_STRING) {
			hs_seterr(errbuf, errlen,
			          "path of '%s' is not a string", name.data);
			goto out;
		}
		hs_buf_reset(&path);
		hs_json_str_decode(&d, k + 1, &path);
		if (chars(path.data, path.len) > HS_INPUTXFORM_MAX_PATH) {
			hs_seterr(errbuf, errlen,
			          "path of '%s' is %zu characters (at most %d)",
			          name.data, chars(path.data, path.len),
			          HS_INPUTXFORM_MAX_PATH);
			goto out;
		}
		x->vars =
		    hs_xgrow(x->vars, sizeof(*x->vars), x->nvars + 1, &cap);
		v = &x->vars[x->nvars++];
		memset(v, 0, sizeof(*v));
		v->name = hs_xstrdup(name.data);
		if (compile_path(v, path.data, errbuf, errlen) < 0)
			goto out;
	}
	rc = 0;
out:
	hs_buf_release(&name);
	hs_buf_release(&path);
	hs_json_doc_release(&d);
	return rc;
}

/* The reference <name> at s[0..n) stands for, or REF_NONE. */
static int lookup(const struct hs_inputxform *x, const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (strlen(reserved[i].name) == n &&
		    memcmp(reserved[i].name, s, n) == 0)
			return reserved[i].ref;
	/* With duplicate names in the map, the last one wins. */
	for (size_t i = x->nvars; i-- > 0;)
		if (strlen(x->vars[i].name) == n &&
		    memcmp(x->vars[i].name, s, n) == 0)
			return (int)i;
	return REF_NONE;
}

static void add_seg(struct hs_inputxform *x, size_t off, int ref, enum ctx c)
{
	struct seg *g;

	x->segs = hs_xgrow(x->segs, sizeof(*x->segs), x->nsegs + 1, &x->segcap);
	g = &x->segs[x->nsegs++];
	g->off = off;
	g->len = x->lit.len - off;
	g->ref = ref;
	g->ctx = c;
}

/* 1 when the next non-blank character from s is ':' (an object key). */
static int before_colon(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return *s == ':';
}

static int compile_template(struct hs_inputxform *x, const char *t,
                            char *errbuf, size_t errlen)
{
	const char *s = t;
	size_t start = 0;
	int in_str = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	x->json = *s == '{' || *s == '[' || *s == '"';
	if (!x->json)
		s = t; /* plain text keeps its spacing */
	while (*s) {
		if (*s == '<') {
			const char *e = s + 1;
			int ref;

			while (*e && *e != '>' && *e != '<' && *e != ' ' &&
			       *e != '"')
				e++;
			ref = *e == '>' ? lookup(x, s + 1, (size_t)(e - s - 1))
			                : REF_NONE;
			if (ref != REF_NONE && x->json && !in_str &&
			    before_colon(e + 1))
				return hs_seterr(errbuf, errlen,
				                 "input template: placeholder "
				                 "<%.*s> is an object key",
				                 (int)(e - s - 1), s + 1);
			if (ref != REF_NONE) {
				add_seg(x, start, ref,
				        !x->json ? CTX_TEXT
				        : in_str ? CTX_STRING
				                 : CTX_JSON);
				start = x->lit.len;
				s = e + 1;
				continue;
			}
		}
		if (x->json && in_str && *s == '\\' && s[1]) {
			hs_buf_add(&x->lit, s, 2);
			s += 2;
			continue;
		}
		if (x->json && *s == '"')
			in_str = !in_str;
		/* Minify: whitespace outside strings goes. */
		if (x->json && !in_str &&
		    (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
			s++;
			continue;
		}
		hs_buf_addc(&x->lit, *s++);
	}
	add_seg(x, start, REF_NONE, CTX_TEXT);
	return 0;
}

struct hs_inputxform *hs_inputxform_compile(const char *paths_map_json,
                                            const char *template_text,
                                            char *errbuf, size_t errlen)
{
	struct hs_inputxform *x = hs_xcalloc(1, sizeof(*x));

	hs_buf_init(&x->lit);
	if (!template_text || !*template_text) {
		hs_seterr(errbuf, errlen, "input template is empty");
		goto fail;
	}
	if (chars(template_text, strlen(template_text)) >
	    HS_INPUTXFORM_MAX_TEMPLATE) {
		hs_seterr(errbuf, errlen,
		          "input template is %zu characters (at most %d)",
		          chars(template_text, strlen(template_text)),
		          HS_INPUTXFORM_MAX_TEMPLATE);
		goto fail;
	}
	if (paths_map_json && *paths_map_json &&
	    compile_map(x, paths_map_json, errbuf, errlen) < 0)
		goto fail;
	if (compile_template(x, template_text, errbuf, errlen) < 0)
		goto fail;
	return x;
fail:
	hs_inputxform_free(x);
	return NULL;
}

/* Follow variable v's steps from the event's root: a node or NONE. */
static uint32_t resolve(const struct var *v, const struct hs_json_doc *d)
{
	uint32_t n = 0;

	for (size_t i = 0; i < v->nsteps && n != HS_JSON_NONE; i++)
		n = v->steps[i].key ? hs_json_obj_get(d, n, v->steps[i].key,
		                                      v->steps[i].keylen)
		                    : hs_json_arr_at(d, n, v->steps[i].idx);
	return n;
}

/*
 * Every match of wildcard variable v below node n, from step i on, as
 * JSON texts appended to out with commas between (*count so far).
 */
static void collect(const struct var *v, size_t i, const struct hs_json_doc *d,
                    uint32_t n, struct hs_buf *out, size_t *count)
{
	for (; i < v->nsteps && n != HS_JSON_NONE; i++) {
		const struct step *st = &v->steps[i];
		enum hs_json_type t = hs_json_type(d, n);

		if (st->wild) {
			if (t == HS_JSON_OBJECT) {
				HS_JSON_FOREACH_MEMBER(d, n, k)
				{
					collect(v, i + 1, d, k + 1, out, count);
				}
			} else if (t == HS_JSON_ARRAY) {
				HS_JSON_FOREACH_ELEM(d, n, e)
				{
					collect(v, i + 1, d, e, out, count);
				}
			}
			return;
		}
		n = st->key ? hs_json_obj_get(d, n, st->key, st->keylen)
		            : hs_json_arr_at(d, n, st->idx);
	}
	if (n == HS_JSON_NONE)
		return;
	if ((*count)++)
		hs_buf_addc(out, ',');
	hs_buf_add(out, hs_json_raw(d, n), d->nodes[n].len);
}

/* Text s[0..n) as a JSON string: quoted, or escaped content in a string. */
static void put_text(struct hs_buf *out, enum ctx c, const char *s, size_t n)
{
	size_t at = out->len;

	if (c == CTX_TEXT) {
		hs_buf_add(out, s, n);
		return;
	}
	hs_json_write_str(out, s, n);
	if (c == CTX_STRING) {
		memmove(out->data + at, out->data + at + 1, out->len - at - 2);
		hs_buf_setlen(out, out->len - 2);
	}
}

static void put_node(struct hs_buf *out, enum ctx c,
                     const struct hs_json_doc *d, uint32_t n)
{
	const struct hs_json_node *nd;

	if (n == HS_JSON_NONE) {
		if (c == CTX_JSON)
			hs_buf_adds(out, "null");
		return;
	}
	nd = &d->nodes[n];
	if (c == CTX_JSON) {
		hs_buf_add(out, hs_json_raw(d, n), nd->len);
	} else if (nd->type == HS_JSON_STRING) {
		if (c == CTX_STRING)
			hs_buf_add(out, hs_json_raw(d, n) + 1, nd->len - 2);
		else
			hs_json_str_decode(d, n, out);
	} else {
		put_text(out, c, hs_json_raw(d, n), nd->len);
	}
}

/* JSON text j[0..n) built here (not a node): as put_node() spells it. */
static void put_json(struct hs_buf *out, enum ctx c, const char *j, size_t n)
{
	if (c == CTX_STRING)
		put_text(out, c, j, n);
	else
		hs_buf_add(out, j, n);
}

/* A wildcard variable's value: the JSON array of its matches. */
static void put_matches(struct hs_buf *out, enum ctx c, const struct var *v,
                        const struct hs_json_doc *d)
{
	struct hs_buf tmp = HS_BUF_INIT;
	size_t count = 0;

	hs_buf_addc(&tmp, '[');
	collect(v, 0, d, 0, &tmp, &count);
	hs_buf_addc(&tmp, ']');
	put_json(out, c, tmp.data, tmp.len);
	hs_buf_release(&tmp);
}

/* <aws.events.event>: the event's members but "detail", as EventBridge. */
static void put_event(struct hs_buf *out, enum ctx c,
                      const struct hs_json_doc *d)
{
	struct hs_buf tmp = HS_BUF_INIT;
	int first = 1;

	if (hs_json_type(d, 0) != HS_JSON_OBJECT) {
		put_node(out, c, d, 0);
		return;
	}
	hs_buf_addc(&tmp, '{');
	HS_JSON_FOREACH_MEMBER(d, 0, k)
	{
		if (hs_json_str_eq(d, k, "detail", 6))
			continue;
		if (!first)
			hs_buf_addc(&tmp, ',');
		first = 0;
		hs_buf_add(&tmp, hs_json_raw(d, k), d->nodes[k].len);
		hs_buf_addc(&tmp, ':');
		hs_buf_add(&tmp, hs_json_raw(d, k + 1), d->nodes[k + 1].len);
	}
	hs_buf_addc(&tmp, '}');
	put_json(out, c, tmp.data, tmp.len);
	hs_buf_release(&tmp);
}

/* A string member of the event's root, or "" when absent. */
static void member_text(const struct hs_json_doc *d, const char *key,
                        struct hs_buf *out)
{
	uint32_t n = hs_json_obj_get(d, 0, key, strlen(key));

	if (n != HS_JSON_NONE && hs_json_type(d, n) == HS_JSON_STRING)
		hs_json_str_decode(d, n, out);
}

static void put_reserved(struct hs_buf *out, const struct seg *g,
                         const struct hs_json_doc *d, const char *rule)
{
	struct hs_buf tmp = HS_BUF_INIT;
	const char *slash;
	char when[40];

	switch (g->ref) {
	case REF_EVENT:
		put_event(out, g->ctx, d);
		return;
	case REF_EVENT_JSON:
		put_node(out, g->ctx, d, 0);
		return;
	case REF_RULE_NAME:
		/* Given an ARN, the name is what follows "rule/". */
		slash = strncmp(rule, "arn:", 4) == 0 ? strstr(rule, ":rule/")
		                                      : NULL;
		put_text(out, g->ctx, slash ? slash + 6 : rule,
		         strlen(slash ? slash + 6 : rule));
		return;
	case REF_RULE_ARN:
		if (strncmp(rule, "arn:", 4) == 0) {
			hs_buf_adds(&tmp, rule);
		} else {
			hs_buf_adds(&tmp, "arn:aws:events:");
			member_text(d, "region", &tmp);
			hs_buf_addc(&tmp, ':');
			member_text(d, "account", &tmp);
			hs_buf_adds(&tmp, ":rule/");
			hs_buf_adds(&tmp, rule);
		}
		put_text(out, g->ctx, tmp.data, tmp.len);
		hs_buf_release(&tmp);
		return;
	default:
		hs_time_format_ms(hs_time_now_ms(), when, sizeof(when));
		put_text(out, g->ctx, when, strlen(when));
		return;
	}
}

int hs_inputxform_apply(const struct hs_inputxform *x,
                        const struct hs_json_doc *ev, const char *rule_name,
                        struct hs_buf *out)
{
	const char *rule = rule_name ? rule_name : "";

	for (size_t i = 0; i < x->nsegs; i++) {
		const struct seg *g = &x->segs[i];

		hs_buf_add(out, x->lit.data + g->off, g->len);
		if (g->ref >= 0 && x->vars[g->ref].wild)
			put_matches(out, g->ctx, &x->vars[g->ref], ev);
		else if (g->ref >= 0)
			put_node(out, g->ctx, ev,
			         resolve(&x->vars[g->ref], ev));
		else if (g->ref != REF_NONE)
			put_reserved(out, g, ev, rule);
	}
	return 0;
}
