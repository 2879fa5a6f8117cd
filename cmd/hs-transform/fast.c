/*
 * fast.c: programs simple enough to answer on the parsed tape without
 * libjq.  Recognised, after libjq has compiled the same text (so anything
 * it rejects never gets here), and nothing else:
 *
 *   .                          the identity
 *   select(PATH)               truthiness of PATH
 *   select(PATH == LITERAL)    and !=
 *
 * PATH is one or more .name or ."name" steps; LITERAL a JSON string of
 * printable ASCII without escapes, a JSON number (optionally negative),
 * true, false or null.  Whitespace may sit between the tokens; comments
 * may not.  The answer is that of libjq's run: the output is the input
 * value unchanged, which run_jq() writes as the original line, or nothing.
 * Where libjq would raise an error (a step into an array, string, number
 * or boolean), xf_fast_eval() gives up and the event goes through libjq,
 * which words the error.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "jqbridge.h"
#include "xf.h"
#include "banned.h"

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static int is_ident(int c, int first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (!first && c >= '0' && c <= '9');
}

static void add_step(struct xf_fast *f, const char *s, size_t n)
{
	f->steps = hs_xrealloc(f->steps, (f->nsteps + 1) * sizeof(*f->steps));
	f->steps[f->nsteps].key = hs_xmalloc(n + 1);
	memcpy(f->steps[f->nsteps].key, s, n);
	f->steps[f->nsteps].key[n] = '\0';
	f->steps[f->nsteps].len = n;
	f->nsteps++;
}

/* A "..." of printable ASCII without escapes; returns past it or NULL. */
static const char *plain_string(const char *p, const char **s, size_t *n)
{
	const char *q;

	if (*p != '"')
		return NULL;
	for (q = p + 1; *q != '"'; q++)
		if (*q < 0x20 || *q > 0x7e || *q == '\\')
			return NULL;
	*s = p + 1;
	*n = (size_t)(q - p - 1);
	return q + 1;
}

static const char *path(struct xf_fast *f, const char *p)
{
	const char *s;
	size_t n;

	while (*p == '.') {
		p++;
		if (is_ident((unsigned char)*p, 1)) {
			for (s = p; is_ident((unsigned char)*p, 0); p++)
				;
			n = (size_t)(p - s);
		} else if (!(p = plain_string(p, &s, &n))) {
			return NULL;
		}
		add_step(f, s, n);
	}
	return f->nsteps ? p : NULL;
}

/* A JSON number literal (with an optional '-'): its length, else 0. */
static size_t number(const char *p)
{
	const char *q = p;

	if (*q == '-')
		q++;
	if (*q == '0')
		q++;
	else if (*q >= '1' && *q <= '9')
		while (*q >= '0' && *q <= '9')
			q++;
	else
		return 0;
	if (*q == '.') {
		if (!(*++q >= '0' && *q <= '9'))
			return 0;
		while (*q >= '0' && *q <= '9')
			q++;
	}
	if (*q == 'e' || *q == 'E') {
		q++;
		if (*q == '+' || *q == '-')
			q++;
		if (!(*q >= '0' && *q <= '9'))
			return 0;
		while (*q >= '0' && *q <= '9')
			q++;
	}
	return (size_t)(q - p);
}

static const char *literal(struct xf_fast *f, const char *p)
{
	const char *s;
	size_t n;

	if (*p == '"') {
		if (!(p = plain_string(p, &s, &n)))
			return NULL;
		f->lit_type = HS_JSON_STRING;
		f->lit_str = hs_xmalloc(n + 1);
		memcpy(f->lit_str, s, n);
		f->lit_str[n] = '\0';
		f->lit_len = n;
		return p;
	}
	if ((n = number(p)) != 0) {
		f->lit_type = HS_JSON_NUMBER;
		f->lit_num = hs_jq_num(p, n);
		return p + n;
	}
	if (strncmp(p, "true", 4) == 0)
		f->lit_type = HS_JSON_TRUE;
	else if (strncmp(p, "false", 5) == 0)
		f->lit_type = HS_JSON_FALSE;
	else if (strncmp(p, "null", 4) == 0)
		f->lit_type = HS_JSON_NULL;
	else
		return NULL;
	p += f->lit_type == HS_JSON_FALSE ? 5 : 4;
	return is_ident((unsigned char)*p, 0) ? NULL : p;
}

static int recognise(struct xf_fast *f, const char *prog)
{
	const char *p = skip_ws(prog);

	if (p[0] == '.' && *skip_ws(p + 1) == '\0') {
		f->kind = XF_FAST_IDENTITY;
		return 1;
	}
	if (strncmp(p, "select", 6) != 0)
		return 0;
	p = skip_ws(p + 6);
	if (*p != '(' || !(p = path(f, skip_ws(p + 1))))
		return 0;
	p = skip_ws(p);
	if (*p == ')') {
		f->kind = XF_FAST_TRUTHY;
	} else if ((p[0] == '=' || p[0] == '!') && p[1] == '=') {
		f->kind = p[0] == '=' ? XF_FAST_EQ : XF_FAST_NE;
		if (!(p = literal(f, skip_ws(p + 2))))
			return 0;
		p = skip_ws(p);
		if (*p != ')')
			return 0;
	} else {
		return 0;
	}
	return *skip_ws(p + 1) == '\0';
}

void xf_fast_compile(struct xf_fast *f, const char *program)
{
	memset(f, 0, sizeof(*f));
	if (!program || !recognise(f, program)) {
		xf_fast_release(f);
		f->kind = XF_FAST_NONE;
	}
}

void xf_fast_release(struct xf_fast *f)
{
	for (size_t i = 0; i < f->nsteps; i++)
		free(f->steps[i].key);
	free(f->steps);
	free(f->lit_str);
	memset(f, 0, sizeof(*f));
}

/* Does node k (HS_JSON_NONE: null) equal the literal, as jq's == says? */
static int equal(const struct xf_fast *f, const struct hs_json_doc *d,
                 uint32_t k)
{
	enum hs_json_type t =
	    k == HS_JSON_NONE ? HS_JSON_NULL : hs_json_type(d, k);

	if (t != f->lit_type)
		return 0; /* values of different kinds are never equal */
	switch (t) {
	case HS_JSON_STRING:
		return hs_json_str_eq(d, k, f->lit_str, f->lit_len);
	case HS_JSON_NUMBER:
		/* Both as the doubles libjq holds: 1.0 == 1, -0 == 0. */
		return hs_jq_num(hs_json_raw(d, k), d->nodes[k].len) ==
		       f->lit_num;
	default:
		return 1;
	}
}

int xf_fast_eval(const struct xf_fast *f, const struct hs_json_doc *d)
{
	uint32_t k = 0;
	int t;

	if (f->kind == XF_FAST_IDENTITY)
		return 1;
	for (size_t i = 0; i < f->nsteps && k != HS_JSON_NONE; i++) {
		t = hs_json_type(d, k);
		if (t == HS_JSON_NULL) {
			k = HS_JSON_NONE; /* null.name is null */
			break;
		}
		if (t != HS_JSON_OBJECT)
			return -1; /* libjq raises "Cannot index ..." */
		k = hs_json_obj_get(d, k, f->steps[i].key, f->steps[i].len);
	}
	switch (f->kind) {
	case XF_FAST_TRUTHY:
		if (k == HS_JSON_NONE)
			return 0;
		t = hs_json_type(d, k);
		return t != HS_JSON_NULL && t != HS_JSON_FALSE;
	case XF_FAST_EQ:
		return equal(f, d, k);
	case XF_FAST_NE:
		return !equal(f, d, k);
	default:
		return -1;
	}
}
