/*
 * jqnative-parse.c: jq 1.6's grammar and precedence for the subset: the
 * tokens of jqnative-lex.c into the program tree of jqnative-int.h, with
 * --arg/--argjson values taken from libjq, and hs_jqn_compile() and
 * hs_jqn_free().  Refusing anything outside the subset (the caller then
 * uses libjq) is here too.  Evaluation is jqnative-eval.c's.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jqnative-int.h"

#include "banned.h"

static const struct {
	const char *name;
	int arity;
	enum builtin f;
} builtins[] = {
    {"length", 0, F_LENGTH},
    {"utf8bytelength", 0, F_UTF8LEN},
    {"ascii_downcase", 0, F_DOWN},
    {"ascii_upcase", 0, F_UP},
    {"add", 0, F_ADD},
    {"tostring", 0, F_TOSTRING},
    {"tojson", 0, F_TOJSON},
    {"tonumber", 0, F_TONUMBER},
    {"keys", 0, F_KEYS},
    {"keys_unsorted", 0, F_KEYS_UNSORTED},
    {"type", 0, F_TYPE},
    {"empty", 0, F_EMPTY},
    {"not", 0, F_NOT},
    {"values", 0, F_VALUES},
    {"select", 1, F_SELECT},
    {"map", 1, F_MAP},
    {"has", 1, F_HAS},
    {"startswith", 1, F_STARTSWITH},
    {"endswith", 1, F_ENDSWITH},
    {"ltrimstr", 1, F_LTRIMSTR},
    {"rtrimstr", 1, F_RTRIMSTR},
    {"join", 1, F_JOIN},
};

static struct token *peek(struct parser *ps)
{
	return &ps->toks[ps->at];
}

static struct token *next(struct parser *ps)
{
	struct token *t = &ps->toks[ps->at];

	if (t->t != T_EOF)
		ps->at++;
	return t;
}

static int accept(struct parser *ps, enum tok t)
{
	if (peek(ps)->t != t)
		return 0;
	next(ps);
	return 1;
}

static int expect(struct parser *ps, enum tok t, const char *what)
{
	if (accept(ps, t))
		return 0;
	hs_jqn_fail(ps, peek(ps)->pos, what);
	return -1;
}

static int is_keyword(const struct token *t, const char *kw)
{
	return t->t == T_KEYWORD && strlen(kw) == t->n &&
	       memcmp(t->s, kw, t->n) == 0;
}

static struct node *mk(struct parser *ps, enum op op, struct node *a,
                       struct node *b)
{
	struct node *n = aalloc(&ps->p->ar, sizeof(*n));

	/* Evaluation recurses along the tree: keep it a size the C stack
	 * of any thread holds.  Real programs are far smaller. */
	if (++ps->nodes > MAX_NODES)
		hs_jqn_fail(ps, peek(ps)->pos, "program too large");

	memset(n, 0, sizeof(*n));
	n->op = op;
	n->a = a;
	n->b = b;
	return n;
}

static struct node *lit(struct parser *ps, struct val v)
{
	struct node *n = mk(ps, O_LIT, NULL, NULL);

	n->lit = v;
	return n;
}

static struct node *lit_str(struct parser *ps, const char *s, size_t len)
{
	return lit(ps, vstr(astrdup(&ps->p->ar, s, len), len));
}

/* A libjq value (not consumed) as a value in the program's arena. */
static int from_jv(struct parser *ps, jv v, struct val *out, int depth)
{
	struct ctx x = {NULL, &ps->p->ar, NULL};

	if (depth >= MAX_DEPTH)
		return -1;
	switch (jv_get_kind(v)) {
	case JV_KIND_NULL:
		*out = v_null;
		return 0;
	case JV_KIND_FALSE:
		*out = v_false;
		return 0;
	case JV_KIND_TRUE:
		*out = v_true;
		return 0;
	case JV_KIND_NUMBER:
		*out = vnum(jv_number_value(v));
		return isnan(out->u.num) ? -1 : 0;
	case JV_KIND_STRING: {
		size_t n = (size_t)jv_string_length_bytes(jv_copy(v));

		*out = vstr(astrdup(&ps->p->ar, jv_string_value(v), n), n);
		return 0;
	}
	case JV_KIND_ARRAY: {
		int n = jv_array_length(jv_copy(v));
		struct val *items =
		    aalloc(&ps->p->ar, (size_t)(n + 1) * sizeof(*items));

		for (int i = 0; i < n; i++) {
			jv el = jv_array_get(jv_copy(v), i);
			int r = from_jv(ps, el, &items[i], depth + 1);

			jv_free(el);
			if (r)
				return -1;
		}
		*out = varr(items, (uint32_t)n);
		return 0;
	}
	case JV_KIND_OBJECT: {
		struct obj *o =
		    hs_jqn_obj_new(&x, (uint32_t)jv_object_length(jv_copy(v)));
		int r = 0;

		jv_object_foreach(v, k, el)
		{
			struct val kv, vv = v_null;

			if (!r)
				r = from_jv(ps, k, &kv, depth + 1) ||
				    from_jv(ps, el, &vv, depth + 1);
			if (!r)
				hs_jqn_obj_set(&x, o, kv, vv);
			jv_free(k);
			jv_free(el);
		}
		*out = vobj(o);
		return r ? -1 : 0;
	}
	default:
		return -1;
	}
}

static struct node *parse_pipe(struct parser *ps);
static struct node *parse_postfix(struct parser *ps);

/* Every recursive rule goes through here: libjq's parser has no stack
 * to overflow, ours has. */
static int deeper(struct parser *ps)
{
	if (++ps->depth <= MAX_NEST)
		return 0;
	hs_jqn_fail(ps, peek(ps)->pos, "too deeply nested");
	return -1;
}

/* inner(ps) one nesting level deeper (bounded by MAX_NEST). */
static struct node *nested(struct parser *ps,
                           struct node *(*inner)(struct parser *))
{
	struct node *n;

	if (deeper(ps))
		return NULL;
	n = inner(ps);
	ps->depth--;
	return n;
}

static struct node *parse_var(struct parser *ps, const struct token *t)
{
	char name[256];
	struct val v;
	jv got;
	int r;

	if (t->n >= sizeof(name) ||
	    (t->n == 3 && memcmp(t->s, "ENV", 3) == 0) ||
	    jv_get_kind(ps->args) != JV_KIND_OBJECT) {
		hs_jqn_fail(ps, t->pos, "unsupported variable");
		return NULL;
	}
	memcpy(name, t->s, t->n);
	name[t->n] = '\0';
	got = jv_object_get(jv_copy(ps->args), jv_string(name));
	if (!jv_is_valid(got)) {
		jv_free(got);
		hs_jqn_fail(ps, t->pos, "unsupported variable");
		return NULL;
	}
	r = from_jv(ps, got, &v, 0);
	jv_free(got);
	if (r) {
		hs_jqn_fail(ps, t->pos, "unsupported variable value");
		return NULL;
	}
	return lit(ps, v);
}

static struct node *parse_call(struct parser *ps, const struct token *t)
{
	struct node *n, *arg = NULL;
	size_t k;

	if ((t->n == 4 && memcmp(t->s, "true", 4) == 0) ||
	    (t->n == 5 && memcmp(t->s, "false", 5) == 0) ||
	    (t->n == 4 && memcmp(t->s, "null", 4) == 0))
		return lit(ps, t->s[0] == 't'   ? v_true
		               : t->s[0] == 'f' ? v_false
		                                : v_null);
	if (peek(ps)->t == T_LPAREN) {
		next(ps);
		arg = parse_pipe(ps);
		if (!arg || expect(ps, T_RPAREN,
		                   "only one-argument calls are "
		                   "supported"))
			return NULL;
	}
	/* first and last are .[0] and .[-1] in jq 1.6. */
	if (!arg && ((t->n == 5 && memcmp(t->s, "first", 5) == 0) ||
	             (t->n == 4 && memcmp(t->s, "last", 4) == 0))) {
		n = mk(ps, O_INDEX, mk(ps, O_ID, NULL, NULL),
		       lit(ps, vnum(t->s[0] == 'f' ? 0 : -1)));
		return n;
	}
	for (k = 0; k < sizeof(builtins) / sizeof(builtins[0]); k++)
		if (strlen(builtins[k].name) == t->n &&
		    memcmp(builtins[k].name, t->s, t->n) == 0 &&
		    builtins[k].arity == (arg != NULL))
			break;
	if (k == sizeof(builtins) / sizeof(builtins[0])) {
		hs_jqn_fail(ps, t->pos, "unsupported function");
		return NULL;
	}
	n = mk(ps, O_CALL, arg, NULL);
	n->fn = builtins[k].f;
	return n;
}

static struct node *expd(struct parser *ps);

/* ExpD of an object value: ['-'] Term ('|' ExpD)? */
static struct node *parse_expd(struct parser *ps)
{
	return nested(ps, expd);
}

static struct node *expd(struct parser *ps)
{
	struct node *n;
	int neg = accept(ps, T_MINUS);

	if (neg) {
		n = parse_expd(ps);
		if (!n)
			return NULL;
		/* '-' binds tighter than '|': -a|b is (-a)|b */
		if (n->op == O_PIPE) {
			n->a = mk(ps, O_NEG, n->a, NULL);
			return n;
		}
		return mk(ps, O_NEG, n, NULL);
	}
	n = parse_postfix(ps);
	if (n && accept(ps, T_PIPE)) {
		struct node *b = parse_expd(ps);

		return b ? mk(ps, O_PIPE, n, b) : NULL;
	}
	return n;
}

static struct node *parse_object(struct parser *ps)
{
	struct pair *pairs = NULL;
	size_t np = 0, cap = 0;
	struct node *n;

	if (!accept(ps, T_RBRACE)) {
		do {
			struct token *t = next(ps);
			struct node *k = NULL, *v = NULL;

			if ((t->t == T_IDENT || t->t == T_KEYWORD) &&
			    accept(ps, T_COLON)) {
				k = lit_str(ps, t->s, t->n);
				v = parse_expd(ps);
			} else if (t->t == T_IDENT) {
				k = lit_str(ps, t->s, t->n);
				v = mk(ps, O_INDEX, mk(ps, O_ID, NULL, NULL),
				       k);
			} else if (t->t == T_VAR) {
				k = lit_str(ps, t->s, t->n);
				v = parse_var(ps, t);
			} else if (t->t == T_STR) {
				k = lit(ps, vstr(t->s, t->n));
				if (accept(ps, T_COLON))
					v = parse_expd(ps);
				else
					v = mk(ps, O_INDEX,
					       mk(ps, O_ID, NULL, NULL), k);
			} else if (t->t == T_LPAREN) {
				k = parse_pipe(ps);
				if (!k ||
				    expect(ps, T_RPAREN, "expected ')'") ||
				    expect(ps, T_COLON, "expected ':'"))
					break;
				v = parse_expd(ps);
			} else {
				hs_jqn_fail(ps, t->pos,
				            "unsupported object key");
			}
			if (!k || !v)
				break;
			pairs = hs_xgrow(pairs, sizeof(*pairs), np + 1, &cap);
			pairs[np].k = k;
			pairs[np].v = v;
			np++;
		} while (accept(ps, T_COMMA));
		if (!ps->failed)
			expect(ps, T_RBRACE, "expected '}'");
	}
	if (ps->failed) {
		free(pairs);
		return NULL;
	}
	n = mk(ps, O_OBJ, NULL, NULL);
	n->npairs = (uint32_t)np;
	n->pairs = aalloc(&ps->p->ar, (np + 1) * sizeof(*pairs));
	if (np)
		memcpy(n->pairs, pairs, np * sizeof(*pairs));
	free(pairs);
	return n;
}

static struct node *if_rest(struct parser *ps);

static struct node *parse_if(struct parser *ps)
{
	return nested(ps, if_rest);
}

static struct node *if_rest(struct parser *ps)
{
	struct node *c, *a, *b, *n;

	c = parse_pipe(ps);
	if (!c || !is_keyword(next(ps), "then"))
		return hs_jqn_fail(ps, peek(ps)->pos, "expected 'then'"), NULL;
	a = parse_pipe(ps);
	if (!a)
		return NULL;
	if (is_keyword(peek(ps), "elif")) {
		next(ps);
		b = parse_if(ps);
	} else if (is_keyword(peek(ps), "else")) {
		next(ps);
		b = parse_pipe(ps);
		if (b && !is_keyword(next(ps), "end"))
			return hs_jqn_fail(ps, peek(ps)->pos, "expected 'end'"),
			       NULL;
	} else {
		return hs_jqn_fail(ps, peek(ps)->pos, "expected 'else'"), NULL;
	}
	if (!b)
		return NULL;
	n = mk(ps, O_IF, c, a);
	n->c = b;
	return n;
}

static struct node *parse_primary(struct parser *ps)
{
	struct token *t = next(ps);
	struct node *n;

	switch (t->t) {
	case T_DOT:
		if (peek(ps)->t == T_STR) {
			t = next(ps);
			n = mk(ps, O_INDEX, mk(ps, O_ID, NULL, NULL),
			       lit(ps, vstr(t->s, t->n)));
			n->opt = accept(ps, T_QUESTION);
			return n;
		}
		return mk(ps, O_ID, NULL, NULL);
	case T_FIELD:
		n = mk(ps, O_INDEX, mk(ps, O_ID, NULL, NULL),
		       lit_str(ps, t->s, t->n));
		n->opt = accept(ps, T_QUESTION);
		return n;
	case T_NUM:
		return lit(ps, vnum(t->num));
	case T_STR:
		return lit(ps, vstr(t->s, t->n));
	case T_LPAREN:
		n = parse_pipe(ps);
		if (!n || expect(ps, T_RPAREN, "expected ')'"))
			return NULL;
		return n;
	case T_LBRACK:
		if (accept(ps, T_RBRACK))
			return lit(ps, varr(NULL, 0));
		n = parse_pipe(ps);
		if (!n || expect(ps, T_RBRACK, "expected ']'"))
			return NULL;
		return mk(ps, O_ARR, n, NULL);
	case T_LBRACE:
		return parse_object(ps);
	case T_VAR:
		return parse_var(ps, t);
	case T_IDENT:
		return parse_call(ps, t);
	case T_KEYWORD:
		if (is_keyword(t, "if"))
			return parse_if(ps);
		hs_jqn_fail(ps, t->pos, "unsupported keyword");
		return NULL;
	default:
		hs_jqn_fail(ps, t->pos, "unsupported syntax");
		return NULL;
	}
}

static struct node *parse_postfix(struct parser *ps)
{
	struct node *n;

	if (deeper(ps))
		return NULL;
	n = parse_primary(ps);
	while (n) {
		struct token *t = peek(ps);

		if (t->t == T_FIELD) {
			next(ps);
			n = mk(ps, O_INDEX, n, lit_str(ps, t->s, t->n));
		} else if (t->t == T_DOT && ps->toks[ps->at + 1].t == T_STR) {
			next(ps);
			t = next(ps);
			n = mk(ps, O_INDEX, n, lit(ps, vstr(t->s, t->n)));
		} else if (t->t == T_LBRACK) {
			next(ps);
			if (accept(ps, T_RBRACK)) {
				n = mk(ps, O_ITER, n, NULL);
			} else {
				struct node *k = parse_pipe(ps);

				if (!k || expect(ps, T_RBRACK,
				                 "slices are not supported"))
					return NULL;
				n = mk(ps, O_INDEX, n, k);
			}
		} else {
			break;
		}
		n->opt = accept(ps, T_QUESTION);
	}
	ps->depth--;
	return n;
}

static struct node *parse_binary(struct parser *ps, int level);

static struct node *unary(struct parser *ps);

static struct node *parse_unary(struct parser *ps)
{
	return nested(ps, unary);
}

static struct node *unary(struct parser *ps)
{
	if (accept(ps, T_MINUS)) {
		/* '-' Exp takes '-''s precedence: only * / % bind tighter. */
		struct node *a = parse_binary(ps, 5);

		return a ? mk(ps, O_NEG, a, NULL) : NULL;
	}
	if (is_keyword(peek(ps), "if")) {
		next(ps);
		return parse_if(ps);
	}
	return parse_postfix(ps);
}

/*
 * Levels, loosest first: 0 '//' (right), 1 or, 2 and, 3 comparisons
 * (non-associative), 4 + -, 5 * / %; 6 is a unary operand.
 */
static int binop_of(const struct token *t, int level, int *fn)
{
	switch (level) {
	case 3:
		switch (t->t) {
		case T_EQ:
			return *fn = B_EQ, 1;
		case T_NE:
			return *fn = B_NE, 1;
		case T_LT:
			return *fn = B_LT, 1;
		case T_LE:
			return *fn = B_LE, 1;
		case T_GT:
			return *fn = B_GT, 1;
		case T_GE:
			return *fn = B_GE, 1;
		default:
			return 0;
		}
	case 4:
		if (t->t == T_PLUS || t->t == T_MINUS)
			return *fn = t->t == T_PLUS ? B_ADD : B_SUB, 1;
		return 0;
	case 5:
		if (t->t == T_STAR)
			return *fn = B_MUL, 1;
		if (t->t == T_SLASH)
			return *fn = B_DIV, 1;
		if (t->t == T_PERCENT)
			return *fn = B_MOD, 1;
		return 0;
	default:
		return 0;
	}
}

static struct node *parse_binary(struct parser *ps, int level)
{
	struct node *a, *b;
	int fn = 0;

	if (level >= 6)
		return parse_unary(ps);
	a = parse_binary(ps, level + 1);
	if (!a)
		return NULL;
	if (level == 0) {
		if (!accept(ps, T_ALT))
			return a;
		b = parse_binary(ps, 0);
		return b ? mk(ps, O_ALT, a, b) : NULL;
	}
	for (;;) {
		const struct token *t = peek(ps);
		enum op op = O_BIN;

		if (level == 1 && is_keyword(t, "or"))
			op = O_OR;
		else if (level == 2 && is_keyword(t, "and"))
			op = O_AND;
		else if (level < 3 || !binop_of(t, level, &fn))
			return a;
		next(ps);
		b = parse_binary(ps, level + 1);
		if (!b)
			return NULL;
		/* libjq folds constant operands at compile time, dividing
		 * by zero without an error: leave all of that to libjq. */
		if (op == O_BIN && a->op == O_LIT && b->op == O_LIT) {
			hs_jqn_fail(ps, t->pos, "constant operands");
			return NULL;
		}
		a = mk(ps, op, a, b);
		a->fn = fn;
		if (level == 3)
			return a;
	}
}

static struct node *parse_pipe(struct parser *ps)
{
	struct node *a, *b;

	if (deeper(ps))
		return NULL;
	a = parse_binary(ps, 0);
	while (a && accept(ps, T_COMMA)) {
		b = parse_binary(ps, 0);
		a = b ? mk(ps, O_COMMA, a, b) : NULL;
	}
	if (a && accept(ps, T_PIPE)) {
		b = parse_pipe(ps);
		a = b ? mk(ps, O_PIPE, a, b) : NULL;
	}
	ps->depth--;
	return a;
}

struct hs_jqn *hs_jqn_compile(const char *program, jv args, char *errbuf,
                              size_t errlen)
{
	struct parser ps;
	struct hs_jqn *p = hs_xcalloc(1, sizeof(*p));

	memset(&ps, 0, sizeof(ps));
	ps.p = p;
	ps.args = args;
	ps.err = errbuf;
	ps.errlen = errlen;
	if (hs_jqn_lex(&ps, program) == 0) {
		p->root = parse_pipe(&ps);
		if (p->root && peek(&ps)->t != T_EOF)
			hs_jqn_fail(&ps, peek(&ps)->pos, "unsupported syntax");
	}
	free(ps.toks);
	if (ps.failed || !p->root) {
		if (!ps.failed)
			snprintf(errbuf, errlen, "unsupported program");
		hs_jqn_free(p);
		return NULL;
	}
	return p;
}

void hs_jqn_free(struct hs_jqn *p)
{
	if (!p)
		return;
	hs_jqn_arena_free(&p->ar);
	free(p);
}
