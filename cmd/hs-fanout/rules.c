/*
 * rules.c: the rules file.  Two shapes are read (hs-fanout(1), RULES):
 *
 *   hs:  [{"name":"r","pattern":{...},"targets":["file:x", {"uri":...,
 *          "input":..., "input_path":"$.detail", "input_transformer":
 *          {"input_paths_map":{...},"input_template":"..."}, "key":"/id",
 *          "retry":{"attempts":3,"max_age":60}, "timeout":5,
 *          "batch":10, "queue":10000, "rate":50, "headers":
 *          {"X-Key":{"env":"V"}}, "query":{"a":"b"}}, {"uri":"-",
 *          "jq":"PROGRAM" or "jq_file":"FILE"}]}]
 *   AWS: {"Rules":[{"Name":"r","EventPattern":"{...}","State":"ENABLED",
 *          "Targets":[{"Id":"t","Arn":"...","Input":"...","InputPath":
 *          "...","InputTransformer":{"InputPathsMap":{},"InputTemplate":
 *          "..."},"RetryPolicy":{"MaximumRetryAttempts":N,
 *          "MaximumEventAgeInSeconds":N}, "HsJq":"PROGRAM" or
 *          "HsJqFile":"FILE" (hs's extension), "HttpParameters":
 *          {"HeaderParameters":{...},"QueryStringParameters":{...}}}]}]}
 *
 * http(s) targets take "headers" and "query" (hs) or HttpParameters
 * (AWS): each value a string or {"env":"VAR"}, read when the file is.
 *
 * An AWS target's Arn is looked up in the --arn-map table first, else
 * used as it is when it names a kind of target (a local URI, or an event
 * bus ARN: kinds.c); otherwise the file is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "fanout.h"
#include "inputxform.h"
#include "json.h"
#include "pattern.h"
#include "uri.h"
#include "banned.h"

struct rctx {
	struct fo_rules *rs;
	struct hs_pattern *pat;
	const struct hs_json_doc *d;
	struct hs_json_doc map;
	int have_map;
	int ncells;
	struct fo_shared *sh;
	char *errbuf;
	size_t errlen;
	struct hs_buf sched; /* names of the schedule rules skipped */
	unsigned nsched;
};

static uint32_t get(const struct hs_json_doc *d, uint32_t o, const char *k)
{
	return hs_json_obj_get(d, o, k, strlen(k));
}

/* Decoded string member k of o, or NULL (caller frees). */
static char *get_str(const struct hs_json_doc *d, uint32_t o, const char *k)
{
	uint32_t v = get(d, o, k);
	struct hs_buf b = HS_BUF_INIT;
	size_t n;

	if (v == HS_JSON_NONE || hs_json_type(d, v) != HS_JSON_STRING)
		return NULL;
	hs_json_str_decode(d, v, &b);
	return hs_buf_detach(&b, &n);
}

static int get_num(const struct hs_json_doc *d, uint32_t o, const char *k,
                   double *out)
{
	uint32_t v = get(d, o, k);

	if (v == HS_JSON_NONE)
		return 0;
	if (hs_json_type(d, v) != HS_JSON_NUMBER)
		return -1;
	*out = hs_json_num(d, v);
	return 1;
}

/* "$.detail.items[0]" -> "/detail/items/0".  NULL if not that syntax. */
static char *jsonpath_to_pointer(const char *p)
{
	struct hs_buf b = HS_BUF_INIT;
	size_t n;

	if (p[0] != '$')
		return NULL;
	p++;
	while (*p) {
		if (*p == '.') {
			p++;
			if (!*p || *p == '.' || *p == '[')
				goto bad;
			hs_buf_addc(&b, '/');
			while (*p && *p != '.' && *p != '[') {
				if (*p == '~')
					hs_buf_adds(&b, "~0");
				else if (*p == '/')
					hs_buf_adds(&b, "~1");
				else
					hs_buf_addc(&b, *p);
				p++;
			}
		} else if (*p == '[') {
			p++;
			hs_buf_addc(&b, '/');
			if (*p < '0' || *p > '9')
				goto bad;
			while (*p >= '0' && *p <= '9')
				hs_buf_addc(&b, *p++);
			if (*p++ != ']')
				goto bad;
		} else
			goto bad;
	}
	return hs_buf_detach(&b, &n);
bad:
	hs_buf_release(&b);
	return NULL;
}

/* Replace every "{cell}" in uri by cell. */
static char *cell_uri(const char *uri, int cell)
{
	struct hs_buf b = HS_BUF_INIT;
	const char *p;
	size_t n;

	while ((p = strstr(uri, "{cell}"))) {
		hs_buf_add(&b, uri, (size_t)(p - uri));
		hs_buf_addf(&b, "%d", cell);
		uri = p + 6;
	}
	hs_buf_adds(&b, uri);
	return hs_buf_detach(&b, &n);
}

struct tspec {
	char *id, *uri, *input, *input_path, *key, *paths_map, *tmpl;
	char *jq, *jq_file;
	char *name; /* in messages: the Id, else the URI's shown form (uri.h) */
	double attempts, max_age, timeout, batch, queue, rate;
	int has_attempts, has_age, has_timeout, has_batch, has_queue, has_rate;
	double concurrency; /* http: requests in flight */
	int has_concurrency;
	/* http: header and query parameter objects (nodes of c->d) */
	uint32_t headers, query;
	int has_headers, has_query;
	/* resolved by http_params(): "Name: value"; name, value, ... */
	char **hdrs, **qs;
	size_t nhdrs, nqs;
};

static void tspec_free(struct tspec *s)
{
	free(s->id);
	free(s->uri);
	free(s->input);
	free(s->input_path);
	free(s->key);
	free(s->paths_map);
	free(s->tmpl);
	free(s->jq);
	free(s->jq_file);
	free(s->name);
	for (size_t i = 0; i < s->nhdrs; i++)
		free(s->hdrs[i]);
	free(s->hdrs);
	for (size_t i = 0; i < s->nqs; i++)
		free(s->qs[i]);
	free(s->qs);
}

static char *raw_dup(const struct hs_json_doc *d, uint32_t v)
{
	return hs_xstrndup(hs_json_raw(d, v), d->nodes[v].len);
}

static char *slurp(const char *path, size_t *n, char *errbuf, size_t errlen);

/*
 * The target's jq program (inline or from a file), compiled once for all
 * its cells: they all run on the reading thread.  *q stays NULL without
 * one.  Refuses a program beside another input shaping.
 */
static int jq_program(struct rctx *c, struct tspec *s, const char *rule,
                      struct fo_jq **q)
{
	const char *tid = s->name;
	char *text = s->jq, *owned = NULL;
	char err[768];
	size_t n;

	*q = NULL;
	if (!s->jq && !s->jq_file)
		return 0;
	if ((s->jq && s->jq_file) || s->input || s->input_path || s->tmpl)
		return hs_seterr(c->errbuf, c->errlen,
		                 "rule '%s': target '%s': a jq program goes "
		                 "alone, without another jq program, input, "
		                 "input path or input transformer",
		                 rule, tid);
	if (s->jq_file) {
		owned = slurp(s->jq_file, &n, err, sizeof err);
		if (!owned)
			return hs_seterr(c->errbuf, c->errlen,
			                 "rule '%s': target '%s': %s", rule,
			                 tid, err);
		text = owned;
	}
	*q = fo_jq_compile(text, err, sizeof err);
	free(owned);
	if (!*q)
		return hs_seterr(c->errbuf, c->errlen,
		                 "rule '%s': target '%s': %s", rule, tid, err);
	return 0;
}

/* -1 with errbuf set when member k of target v is there but no string. */
static int need_str(struct rctx *c, const char *rule, uint32_t v, const char *k)
{
	uint32_t x = get(c->d, v, k);

	if (x != HS_JSON_NONE && hs_json_type(c->d, x) != HS_JSON_STRING)
		return hs_seterr(
		    c->errbuf, c->errlen,
		    "rule '%s': a target's \"%s\" must be a string", rule, k);
	return 0;
}

/* RFC 7230's tchar: what a header name is made of. */
static int is_tchar(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') ||
	       (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

/*
 * A header or query parameter's value: a string as it is, or
 * {"env":"VAR"}, the variable's value now.  NULL with errbuf set.  The
 * value may be a secret, so no message ever holds it.
 */
static char *param_value(struct rctx *c, const char *where, uint32_t v)
{
	const struct hs_json_doc *d = c->d;
	struct hs_buf b = HS_BUF_INIT;
	uint32_t e;
	size_t n;

	if (hs_json_type(d, v) == HS_JSON_STRING) {
		hs_json_str_decode(d, v, &b);
	} else if (hs_json_type(d, v) == HS_JSON_OBJECT &&
	           (e = get(d, v, "env")) != HS_JSON_NONE &&
	           hs_json_type(d, e) == HS_JSON_STRING &&
	           d->nodes[v].end == e + 1) {
		const char *val;

		hs_json_str_decode(d, e, &b);
		val = b.len && !memchr(b.data, '\0', b.len) ? getenv(b.data)
		                                            : NULL;
		if (!val) {
			hs_seterr(c->errbuf, c->errlen,
			          "%s: environment variable '%s' is not set",
			          where, b.data);
			hs_buf_release(&b);
			return NULL;
		}
		hs_buf_reset(&b);
		hs_buf_adds(&b, val);
	} else {
		hs_seterr(c->errbuf, c->errlen,
		          "%s: a value is a string or {\"env\": \"NAME\"}",
		          where);
		return NULL;
	}
	if (memchr(b.data, '\r', b.len) || memchr(b.data, '\n', b.len) ||
	    memchr(b.data, '\0', b.len)) {
		hs_seterr(c->errbuf, c->errlen,
		          "%s: the value holds a CR, LF or NUL character",
		          where);
		hs_buf_release(&b);
		return NULL;
	}
	return hs_buf_detach(&b, &n);
}

/*
 * The target's headers and query parameters (hs-fanout(1), HTTP
 * PARAMETERS) into s->hdrs and s->qs, refusing what could not be sent as
 * given: a header name that is no RFC 7230 token, a value with CR or LF
 * (it would inject headers), a variable that is not set.
 */
static int http_params(struct rctx *c, struct tspec *s, const char *rule)
{
	const struct hs_json_doc *d = c->d;
	const char *tid = s->name;
	char where[512];

	for (int q = 0; q < 2; q++) {
		uint32_t o = q ? s->query : s->headers;

		if (!(q ? s->has_query : s->has_headers))
			continue;
		if (hs_json_type(d, o) != HS_JSON_OBJECT)
			return hs_seterr(c->errbuf, c->errlen,
			                 "rule '%s': target '%s': %s must be "
			                 "an object",
			                 rule, tid,
			                 q ? "query parameters" : "headers");
		HS_JSON_FOREACH_MEMBER(d, o, k)
		{
			struct hs_buf name = HS_BUF_INIT, line = HS_BUF_INIT;
			char *val;
			size_t n;

			hs_json_str_decode(d, k, &name);
			snprintf(where, sizeof where,
			         "rule '%s': target '%s': %s '%.*s'", rule, tid,
			         q ? "query parameter" : "header",
			         (int)(name.len > 100 ? 100 : name.len),
			         name.data);
			if (!q) {
				int ok = name.len > 0;

				for (size_t i = 0; ok && i < name.len; i++)
					ok = is_tchar(
					    (unsigned char)name.data[i]);
				if (!ok) {
					hs_buf_release(&name);
					return hs_seterr(
					    c->errbuf, c->errlen,
					    "%s: not a valid header name",
					    where);
				}
			} else if (memchr(name.data, '\0', name.len)) {
				hs_buf_release(&name);
				return hs_seterr(c->errbuf, c->errlen,
				                 "%s: the name holds a NUL "
				                 "character",
				                 where);
			}
			val = param_value(c, where, k + 1);
			if (!val) {
				hs_buf_release(&name);
				return -1;
			}
			if (q) {
				s->qs = hs_xrealloc(s->qs, (s->nqs + 2) *
				                               sizeof *s->qs);
				s->qs[s->nqs++] = hs_buf_detach(&name, &n);
				s->qs[s->nqs++] = val;
				continue;
			}
			/* curl sends "Name;" as an empty header; "Name:"
			 * would remove it */
			hs_buf_add(&line, name.data, name.len);
			if (*val) {
				hs_buf_adds(&line, ": ");
				hs_buf_adds(&line, val);
			} else {
				hs_buf_addc(&line, ';');
			}
			free(val);
			hs_buf_release(&name);
			s->hdrs = hs_xrealloc(s->hdrs,
			                      (s->nhdrs + 1) * sizeof *s->hdrs);
			s->hdrs[s->nhdrs++] = hs_buf_detach(&line, &n);
		}
	}
	return 0;
}

static char **strs_dup(char **v, size_t n)
{
	char **r = n ? hs_xcalloc(n, sizeof *r) : NULL;

	for (size_t i = 0; i < n; i++)
		r[i] = hs_xstrdup(v[i]);
	return r;
}

/* Build the cells of one target and attach them to rule r. */
static int target_add(struct rctx *c, struct fo_rule *r, struct tspec *s,
                      const char *rule)
{
	int n = strstr(s->uri, "{cell}") ? c->ncells : 1;
	struct fo_target **cells;
	struct fo_jq *jq;

	free(s->name);
	s->name = s->id ? hs_xstrdup(s->id) : hs_uri_shown(s->uri);
	if (http_params(c, s, rule) < 0 || jq_program(c, s, rule, &jq) < 0)
		return -1;
	cells = hs_xcalloc((size_t)n, sizeof *cells);

	r->targets =
	    hs_xrealloc(r->targets, (r->ntargets + 1) * sizeof *r->targets);
	r->tcells =
	    hs_xrealloc(r->tcells, (r->ntargets + 1) * sizeof *r->tcells);
	r->tcells[r->ntargets] = n;
	r->targets[r->ntargets++] = cells;
	for (int i = 0; i < n; i++) {
		/* without --cells, {cell} is 0: never a literal file name */
		char *uri = strstr(s->uri, "{cell}") ? cell_uri(s->uri, i)
		                                     : hs_xstrdup(s->uri);
		char err[256];
		struct fo_target *t;

		t = target_new(s->id ? s->id : uri, uri, c->sh, err,
		               sizeof err);
		free(uri);
		if (!t) {
			if (i == 0)
				fo_jq_free(jq);
			return hs_seterr(c->errbuf, c->errlen,
			                 "rule '%s': target '%s': %s", rule,
			                 s->name, err);
		}
		cells[i] = t;
		t->jq = jq;
		t->jq_owner = i == 0;
		if ((s->has_headers || s->has_query) && !target_http_params(t))
			return hs_seterr(c->errbuf, c->errlen,
			                 "rule '%s': target '%s': headers and "
			                 "query parameters are for http(s) "
			                 "targets only",
			                 rule, t->id);
		t->headers = strs_dup(s->hdrs, s->nhdrs);
		t->nheaders = s->nhdrs;
		t->query = strs_dup(s->qs, s->nqs);
		t->nquery = s->nqs;
		if (s->input)
			t->input = hs_xstrdup(s->input);
		if (s->input_path) {
			t->input_path = jsonpath_to_pointer(s->input_path);
			if (!t->input_path)
				return hs_seterr(c->errbuf, c->errlen,
				                 "rule '%s': target '%s': bad "
				                 "InputPath '%s'",
				                 rule, t->id, s->input_path);
		}
		if (s->tmpl) {
			t->xf = hs_inputxform_compile(s->paths_map, s->tmpl,
			                              err, sizeof err);
			if (!t->xf)
				return hs_seterr(c->errbuf, c->errlen,
				                 "rule '%s': target '%s': %s",
				                 rule, t->id, err);
		}
		if (s->key)
			t->key_ptr = hs_xstrdup(s->key);
		if (s->has_attempts)
			t->attempts = (int)s->attempts + 1;
		if (s->has_age)
			t->max_age = s->max_age;
		if (s->has_timeout)
			t->timeout = s->timeout;
		if (s->has_batch)
			t->batch = (size_t)s->batch;
		if (s->has_queue)
			t->qmax = (size_t)s->queue;
		if (s->has_rate)
			t->rate = s->rate;
		if (s->has_concurrency)
			t->concurrency = (int)s->concurrency;
	}
	return 0;
}

static int bad_num(struct rctx *c, const char *rule, const char *what)
{
	return hs_seterr(c->errbuf, c->errlen,
	                 "rule '%s': %s must be a non-negative number", rule,
	                 what);
}

/* An hs-shape target: a URI string or an object. */
static int hs_target(struct rctx *c, struct fo_rule *r, uint32_t v)
{
	const struct hs_json_doc *d = c->d;
	struct tspec s;
	uint32_t x, retry;
	int rc = -1;

	memset(&s, 0, sizeof s);
	if (hs_json_type(d, v) == HS_JSON_STRING) {
		{
			struct hs_buf b = HS_BUF_INIT;
			size_t n;

			hs_json_str_decode(d, v, &b);
			s.uri = hs_buf_detach(&b, &n);
		}
	} else if (hs_json_type(d, v) == HS_JSON_OBJECT) {
		s.uri = get_str(d, v, "uri");
		s.id = get_str(d, v, "id");
		x = get(d, v, "input");
		if (x != HS_JSON_NONE)
			s.input = raw_dup(d, x);
		s.input_path = get_str(d, v, "input_path");
		s.key = get_str(d, v, "key");
		if (need_str(c, r->name, v, "jq") < 0 ||
		    need_str(c, r->name, v, "jq_file") < 0)
			goto out;
		s.jq = get_str(d, v, "jq");
		s.jq_file = get_str(d, v, "jq_file");
		s.headers = get(d, v, "headers");
		s.has_headers = s.headers != HS_JSON_NONE;
		s.query = get(d, v, "query");
		s.has_query = s.query != HS_JSON_NONE;
		x = get(d, v, "input_transformer");
		if (x != HS_JSON_NONE) {
			uint32_t pm = get(d, x, "input_paths_map");

			s.tmpl = get_str(d, x, "input_template");
			if (pm != HS_JSON_NONE)
				s.paths_map = raw_dup(d, pm);
		}
		retry = get(d, v, "retry");
		if (retry != HS_JSON_NONE &&
		    ((s.has_attempts =
		          get_num(d, retry, "attempts", &s.attempts)) < 0 ||
		     (s.has_age = get_num(d, retry, "max_age", &s.max_age)) <
		         0)) {
			rc = bad_num(c, r->name, "retry");
			goto out;
		}
		if ((s.has_timeout = get_num(d, v, "timeout", &s.timeout)) <
		        0 ||
		    (s.has_batch = get_num(d, v, "batch", &s.batch)) < 0 ||
		    (s.has_queue = get_num(d, v, "queue", &s.queue)) < 0 ||
		    (s.has_rate = get_num(d, v, "rate", &s.rate)) < 0) {
			rc = bad_num(c, r->name,
			             "timeout, batch, queue and rate");
			goto out;
		}
		s.has_concurrency =
		    get_num(d, v, "concurrency", &s.concurrency);
		if (s.has_concurrency < 0 ||
		    (s.has_concurrency &&
		     (s.concurrency < 1 || s.concurrency > 1000 ||
		      s.concurrency != (double)(int)s.concurrency))) {
			rc = hs_seterr(c->errbuf, c->errlen,
			               "rule '%s': concurrency must be a whole "
			               "number from 1 to 1000",
			               r->name);
			goto out;
		}
	}
	if (!s.uri) {
		rc = hs_seterr(c->errbuf, c->errlen,
		               "rule '%s': a target is a URI string or an "
		               "object with \"uri\"",
		               r->name);
		goto out;
	}
	if ((s.has_attempts && s.attempts < 0) ||
	    (s.has_age && s.max_age <= 0) ||
	    (s.has_timeout && s.timeout <= 0) || (s.has_batch && s.batch < 1) ||
	    (s.has_queue && s.queue < 1) || (s.has_rate && s.rate <= 0)) {
		rc = bad_num(c, r->name,
		             "retry, timeout, batch, queue and rate");
		goto out;
	}
	rc = target_add(c, r, &s, r->name);
out:
	tspec_free(&s);
	return rc;
}

/* An AWS-shape target. */
static int aws_target(struct rctx *c, struct fo_rule *r, uint32_t v)
{
	const struct hs_json_doc *d = c->d;
	struct tspec s;
	uint32_t x;
	char *arn;
	int rc = -1;

	memset(&s, 0, sizeof s);
	if (hs_json_type(d, v) != HS_JSON_OBJECT)
		return hs_seterr(c->errbuf, c->errlen,
		                 "rule '%s': Targets holds objects", r->name);
	s.id = get_str(d, v, "Id");
	arn = get_str(d, v, "Arn");
	if (!arn) {
		rc = hs_seterr(c->errbuf, c->errlen,
		               "rule '%s': target without an Arn", r->name);
		goto out;
	}
	/* the map first: it may send even a bus's ARN somewhere local */
	if (c->have_map)
		s.uri = get_str(&c->map, 0, arn);
	if (!s.uri && target_uri_known(arn))
		s.uri = hs_xstrdup(arn);
	if (!s.uri) {
		rc = hs_seterr(c->errbuf, c->errlen,
		               "rule '%s': target '%s': ARN '%s' has no local "
		               "equivalent; map it with --arn-map",
		               r->name, s.id ? s.id : "?", arn);
		free(arn);
		goto out;
	}
	free(arn);
	s.input = get_str(d, v, "Input");
	s.input_path = get_str(d, v, "InputPath");
	/* hs's extension to the AWS shape: a jq program for the target */
	if (need_str(c, r->name, v, "HsJq") < 0 ||
	    need_str(c, r->name, v, "HsJqFile") < 0)
		goto out;
	s.jq = get_str(d, v, "HsJq");
	s.jq_file = get_str(d, v, "HsJqFile");
	x = get(d, v, "HttpParameters");
	if (x != HS_JSON_NONE) {
		if (hs_json_type(d, x) != HS_JSON_OBJECT) {
			rc = hs_seterr(c->errbuf, c->errlen,
			               "rule '%s': target '%s': HttpParameters "
			               "must be an object",
			               r->name, s.id ? s.id : s.uri);
			goto out;
		}
		/* path parameters fill an API destination's "*" wildcards;
		 * a local URL has none, so the path goes in the URL itself */
		if (get(d, x, "PathParameterValues") != HS_JSON_NONE) {
			rc = hs_seterr(c->errbuf, c->errlen,
			               "rule '%s': target '%s': "
			               "PathParameterValues is not supported; "
			               "write the path into the target's URL",
			               r->name, s.id ? s.id : s.uri);
			goto out;
		}
		s.headers = get(d, x, "HeaderParameters");
		s.has_headers = s.headers != HS_JSON_NONE;
		s.query = get(d, x, "QueryStringParameters");
		s.has_query = s.query != HS_JSON_NONE;
	}
	x = get(d, v, "InputTransformer");
	if (x != HS_JSON_NONE) {
		uint32_t pm = get(d, x, "InputPathsMap");

		s.tmpl = get_str(d, x, "InputTemplate");
		if (pm != HS_JSON_NONE)
			s.paths_map = raw_dup(d, pm);
	}
	x = get(d, v, "RetryPolicy");
	if (x != HS_JSON_NONE) {
		s.has_attempts =
		    get_num(d, x, "MaximumRetryAttempts", &s.attempts) > 0;
		s.has_age =
		    get_num(d, x, "MaximumEventAgeInSeconds", &s.max_age) > 0;
	}
	rc = target_add(c, r, &s, r->name);
out:
	tspec_free(&s);
	return rc;
}

static struct fo_rule *rule_new(struct rctx *c, char *name)
{
	struct fo_rules *rs = c->rs;
	struct fo_rule *r;

	rs->r = hs_xrealloc(rs->r, (rs->n + 1) * sizeof *rs->r);
	r = &rs->r[rs->n++];
	memset(r, 0, sizeof *r);
	r->name = name;
	r->ncells = c->ncells;
	return r;
}

static int add_pattern(struct rctx *c, struct fo_rule *r, const char *text,
                       size_t len)
{
	char err[512];

	if (hs_pattern_add(c->pat, text, len, &r->pid, err, sizeof err) < 0)
		return hs_seterr(c->errbuf, c->errlen,
		                 "rule '%s': event pattern %s", r->name, err);
	return 0;
}

static int load_hs(struct rctx *c, uint32_t arr)
{
	const struct hs_json_doc *d = c->d;
	unsigned i = 0;

	HS_JSON_FOREACH_ELEM(d, arr, e)
	{
		char *name;
		uint32_t p, ts;
		struct fo_rule *r;

		i++;
		if (hs_json_type(d, e) != HS_JSON_OBJECT)
			return hs_seterr(c->errbuf, c->errlen,
			                 "rule %u is not an object", i);
		name = get_str(d, e, "name");
		if (!name) {
			name = hs_xmalloc(32);
			snprintf(name, 32, "rule-%u", i);
		}
		r = rule_new(c, name);
		p = get(d, e, "pattern");
		if (p == HS_JSON_NONE)
			return hs_seterr(c->errbuf, c->errlen,
			                 "rule '%s' has no pattern", name);
		if (add_pattern(c, r, hs_json_raw(d, p), d->nodes[p].len) < 0)
			return -1;
		ts = get(d, e, "targets");
		if (ts == HS_JSON_NONE || hs_json_type(d, ts) != HS_JSON_ARRAY)
			return hs_seterr(c->errbuf, c->errlen,
			                 "rule '%s' has no list of targets",
			                 name);
		HS_JSON_FOREACH_ELEM(d, ts, t)
		if (hs_target(c, r, t) < 0)
			return -1;
	}
	return 0;
}

/* 1 for a State under which a rule runs (absent means ENABLED, as in
 * put-rule; ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS differs from
 * ENABLED only in which CloudTrail events AWS delivers to the bus), 0 for
 * DISABLED, -1 for anything else. */
static int aws_state(const char *state)
{
	if (!state || !strcmp(state, "ENABLED") ||
	    !strcmp(state, "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"))
		return 1;
	return strcmp(state, "DISABLED") ? -1 : 0;
}

/* Remember a skipped schedule rule's name for the one message at start. */
static void note_schedule(struct rctx *c, const char *name)
{
	if (c->nsched++)
		hs_buf_adds(&c->sched, ", ");
	hs_buf_adds(&c->sched, name);
}

static int load_aws(struct rctx *c, uint32_t arr)
{
	const struct hs_json_doc *d = c->d;

	HS_JSON_FOREACH_ELEM(d, arr, e)
	{
		char *name, *state, *pattern;
		uint32_t ts;
		struct fo_rule *r;
		int rc;

		if (hs_json_type(d, e) != HS_JSON_OBJECT)
			return hs_seterr(c->errbuf, c->errlen,
			                 "Rules holds objects");
		name = get_str(d, e, "Name");
		if (!name)
			return hs_seterr(c->errbuf, c->errlen,
			                 "a rule without a Name");
		state = get_str(d, e, "State");
		rc = aws_state(state);
		if (rc < 0) {
			hs_seterr(
			    c->errbuf, c->errlen,
			    "rule '%s': State '%s' is none of ENABLED, "
			    "DISABLED, "
			    "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
			    name, state);
			free(state);
			free(name);
			return -1;
		}
		free(state);
		pattern = get_str(d, e, "EventPattern");
		if (rc == 0 || (!pattern && get(d, e, "ScheduleExpression") !=
		                                HS_JSON_NONE)) {
			/* DISABLED rules do not run; a schedule rule has no
			 * event to match here: both are skipped, the second
			 * with a word at start (rules_load()). */
			if (rc != 0)
				note_schedule(c, name);
			free(pattern);
			free(name);
			continue;
		}
		r = rule_new(c, name);
		if (!pattern)
			return hs_seterr(
			    c->errbuf, c->errlen,
			    "rule '%s': EventPattern (a string) is "
			    "missing",
			    name);
		rc = add_pattern(c, r, pattern, strlen(pattern));
		free(pattern);
		if (rc < 0)
			return -1;
		ts = get(d, e, "Targets");
		if (ts == HS_JSON_NONE || hs_json_type(d, ts) != HS_JSON_ARRAY)
			return hs_seterr(c->errbuf, c->errlen,
			                 "rule '%s' has no Targets (add the "
			                 "output of list-targets-by-rule)",
			                 name);
		HS_JSON_FOREACH_ELEM(d, ts, t)
		if (aws_target(c, r, t) < 0)
			return -1;
	}
	return 0;
}

static char *slurp(const char *path, size_t *n, char *errbuf, size_t errlen)
{
	struct hs_buf b = HS_BUF_INIT;

	if (hs_buf_read_file(&b, path, errbuf, errlen) < 0) {
		hs_buf_release(&b);
		return NULL;
	}
	return hs_buf_detach(&b, n);
}

int rules_load(struct fo_rules *rs, const char *path, const char *arn_map,
               struct hs_pattern *pat, int ncells, struct fo_shared *sh,
               char *errbuf, size_t errlen)
{
	struct hs_json_doc d;
	struct rctx c;
	char *text, *maptext = NULL;
	size_t n, mn;
	int rc = -1;
	uint32_t top;

	memset(&c, 0, sizeof c);
	c.rs = rs;
	c.pat = pat;
	c.d = &d;
	c.ncells = ncells;
	c.sh = sh;
	c.errbuf = errbuf;
	c.errlen = errlen;
	hs_json_doc_init(&d);
	hs_json_doc_init(&c.map);
	text = slurp(path, &n, errbuf, errlen);
	if (!text)
		goto out;
	if (arn_map) {
		maptext = slurp(arn_map, &mn, errbuf, errlen);
		if (!maptext)
			goto out;
		if (hs_json_parse(&c.map, maptext, mn) < 0 ||
		    hs_json_type(&c.map, 0) != HS_JSON_OBJECT) {
			hs_seterr(errbuf, errlen,
			          "'%s': not a JSON object of ARN: URI",
			          arn_map);
			goto out;
		}
		c.have_map = 1;
	}
	if (hs_json_parse(&d, text, n) < 0) {
		hs_seterr(errbuf, errlen, "'%s': byte %zu: %s", path,
		          d.err_off + 1, d.err);
		goto out;
	}
	if (hs_json_type(&d, 0) == HS_JSON_ARRAY)
		rc = load_hs(&c, 0);
	else if (hs_json_type(&d, 0) == HS_JSON_OBJECT &&
	         (top = get(&d, 0, "Rules")) != HS_JSON_NONE &&
	         hs_json_type(&d, top) == HS_JSON_ARRAY)
		rc = load_aws(&c, top);
	else if (hs_json_type(&d, 0) == HS_JSON_OBJECT &&
	         (top = get(&d, 0, "rules")) != HS_JSON_NONE &&
	         hs_json_type(&d, top) == HS_JSON_ARRAY)
		rc = load_hs(&c, top);
	else
		hs_seterr(errbuf, errlen,
		          "'%s': expected a list of rules or {\"Rules\":[...]}",
		          path);
	if (c.nsched)
		hs_err("%s: %u schedule rule%s skipped (ScheduleExpression, no "
		       "EventPattern: no event matches %s here): %s",
		       path, c.nsched, c.nsched == 1 ? "" : "s",
		       c.nsched == 1 ? "it" : "them", c.sched.data);
	if (rc == 0 && !rs->n) {
		hs_seterr(errbuf, errlen, "'%s' holds no enabled rule", path);
		rc = -1;
	}
out:
	hs_json_doc_release(&d);
	hs_json_doc_release(&c.map);
	hs_buf_release(&c.sched);
	free(text);
	free(maptext);
	return rc;
}

void rules_free(struct fo_rules *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		struct fo_rule *r = &rs->r[i];

		for (size_t j = 0; j < r->ntargets; j++) {
			int n = r->tcells[j];

			for (int k = 0; k < n; k++)
				if (r->targets[j][k])
					target_free(r->targets[j][k]);
			free(r->targets[j]);
		}
		free(r->targets);
		free(r->tcells);
		free(r->name);
	}
	free(rs->r);
	rs->r = NULL;
	rs->n = 0;
}
