/*
 * jqnative-lex.c: the tokens of a jq program for jqnative-parse.c:
 * names, keywords, variables, string literals (escapes and interpolation
 * refused), number literals as jq 1.6 reads them, and the first error's
 * message.  Grammar is the parser's; values are jqnative.c's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jqnative-int.h"

#include "banned.h"

static const char *const keywords[] = {
    "as",   "import", "include", "module", "def",     "if",     "then",
    "else", "elif",   "and",     "or",     "end",     "reduce", "foreach",
    "try",  "catch",  "label",   "break",  "__loc__", NULL};

void hs_jqn_fail(struct parser *ps, size_t pos, const char *what)
{
	if (!ps->failed)
		snprintf(ps->err, ps->errlen, "%s at byte %zu", what, pos + 1);
	ps->failed = 1;
}

static int ident_start(int c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int ident_char(int c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Length of flex's [0-9.]+([eE][+-]?[0-9]+)? at p (0: no match). */
static size_t num_len(const char *p)
{
	size_t n = 0, e;

	while (is_digit((unsigned char)p[n]) || p[n] == '.')
		n++;
	if (!n || (p[n] != 'e' && p[n] != 'E'))
		return n;
	e = n + 1;
	if (p[e] == '+' || p[e] == '-')
		e++;
	if (!is_digit((unsigned char)p[e]))
		return n;
	while (is_digit((unsigned char)p[e]))
		e++;
	return e;
}

/* A JSON number without its sign: [0-9]+(.[0-9]+)?([eE][+-]?[0-9]+)? */
int hs_jqn_strict_number(const char *p, size_t n, int leading_zeros)
{
	size_t i = 0;

	if (i < n && p[i] == '0' && !leading_zeros && i + 1 < n &&
	    is_digit((unsigned char)p[i + 1]))
		return 0;
	if (i >= n || !is_digit((unsigned char)p[i]))
		return 0;
	while (i < n && is_digit((unsigned char)p[i]))
		i++;
	if (i < n && p[i] == '.') {
		if (++i >= n || !is_digit((unsigned char)p[i]))
			return 0;
		while (i < n && is_digit((unsigned char)p[i]))
			i++;
	}
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		if (++i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		if (i >= n || !is_digit((unsigned char)p[i]))
			return 0;
		while (i < n && is_digit((unsigned char)p[i]))
			i++;
	}
	return i == n;
}

/*
 * A string literal from just past its opening quote, built the way jq
 * 1.6's lexer builds it: runs of escapes through jv_parse(), other text
 * through jv_string_sized().  Returns past the closing quote, or NULL
 * (interpolation, or anything odd).
 */
static const char *lex_string(struct parser *ps, const char *p, struct token *t)
{
	jv acc = jv_string("");

	for (;;) {
		const char *q = p;
		jv piece;

		if (*p == '"')
			break;
		if (*p == '\0')
			goto bad;
		if (*p == '\\') {
			while (*q == '\\') {
				if (q[1] == '(' || q[1] == '\0')
					break;
				if (q[1] == 'u') {
					int k = 0;

					q += 2;
					while (k < 4 &&
					       (ident_char((unsigned char)*q) &&
					        *q != '_')) {
						q++;
						k++;
					}
				} else {
					q += 2;
				}
			}
			if (q == p)
				goto bad; /* \( or a lone backslash */
			{
				jv text =
				    jv_string_fmt("\"%.*s\"", (int)(q - p), p);

				piece = jv_parse_sized(
				    jv_string_value(text),
				    jv_string_length_bytes(jv_copy(text)));
				jv_free(text);
			}
			if (jv_get_kind(piece) != JV_KIND_STRING) {
				jv_free(piece);
				goto bad;
			}
		} else {
			while (*q && *q != '"' && *q != '\\')
				q++;
			piece = jv_string_sized(p, (int)(q - p));
		}
		acc = jv_string_concat(acc, piece);
		p = q;
	}
	t->n = (size_t)jv_string_length_bytes(jv_copy(acc));
	t->s = astrdup(&ps->p->ar, jv_string_value(acc), t->n);
	jv_free(acc);
	return p + 1;
bad:
	jv_free(acc);
	return NULL;
}

int hs_jqn_lex(struct parser *ps, const char *prog)
{
	const char *p = prog;

	for (;;) {
		struct token t;
		size_t n;

		memset(&t, 0, sizeof(t));
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '#') {
			if (*p == '#')
				while (*p && *p != '\n' && *p != '\r')
					p++;
			else
				p++;
		}
		t.pos = (size_t)(p - prog);
		if (*p == '\0') {
			t.t = T_EOF;
		} else if (*p == '.' || is_digit((unsigned char)*p)) {
			size_t ln = num_len(p), lf = 0;

			if (*p == '.' && ident_start((unsigned char)p[1]))
				for (lf = 2; ident_char((unsigned char)p[lf]);
				     lf++)
					;
			if (*p == '.' && p[1] == '.' && ln <= 2) {
				hs_jqn_fail(ps, t.pos, "'..' is not supported");
				return -1;
			}
			if (lf > ln) {
				t.t = T_FIELD;
				t.s = p + 1;
				t.n = lf - 1;
				n = lf;
			} else if (ln >= 2 || is_digit((unsigned char)*p)) {
				if (!hs_jqn_strict_number(p, ln, 1)) {
					hs_jqn_fail(ps, t.pos,
					            "unusual number literal");
					return -1;
				}
				t.t = T_NUM;
				t.num = hs_jq_num(p, ln);
				n = ln;
			} else {
				t.t = T_DOT;
				n = 1;
			}
			p += n;
		} else if (*p == '"') {
			t.t = T_STR;
			if (!(p = lex_string(ps, p + 1, &t))) {
				hs_jqn_fail(ps, t.pos,
				            "unsupported string literal");
				return -1;
			}
		} else if (ident_start((unsigned char)*p) || *p == '$') {
			const char *s = p + (*p == '$');

			for (n = 0; ident_char((unsigned char)s[n]); n++)
				;
			if (!n || (s[n] == ':' && s[n + 1] == ':')) {
				hs_jqn_fail(ps, t.pos, "unsupported name");
				return -1;
			}
			t.t = *p == '$' ? T_VAR : T_IDENT;
			t.s = s;
			t.n = n;
			for (int k = 0; keywords[k] && t.t == T_IDENT; k++)
				if (strlen(keywords[k]) == n &&
				    memcmp(keywords[k], s, n) == 0)
					t.t = T_KEYWORD;
			p = s + n;
		} else {
			static const struct {
				const char *s;
				enum tok t;
			} ops[] = {
			    {"//", T_ALT},    {"==", T_EQ},     {"!=", T_NE},
			    {"<=", T_LE},     {">=", T_GE},     {"|", T_PIPE},
			    {",", T_COMMA},   {"<", T_LT},      {">", T_GT},
			    {"+", T_PLUS},    {"-", T_MINUS},   {"*", T_STAR},
			    {"/", T_SLASH},   {"%", T_PERCENT}, {"(", T_LPAREN},
			    {")", T_RPAREN},  {"[", T_LBRACK},  {"]", T_RBRACK},
			    {"{", T_LBRACE},  {"}", T_RBRACE},  {":", T_COLON},
			    {"?", T_QUESTION}};
			size_t k;

			/* Assignments and ?// start like these: refuse them. */
			if ((p[0] == '/' && p[1] == '/' && p[2] == '=') ||
			    (p[0] == '?' && p[1] == '/' && p[2] == '/') ||
			    (strchr("|+-*/%", p[0]) && p[1] == '=') ||
			    (p[0] == '=' && p[1] != '=')) {
				hs_jqn_fail(ps, t.pos,
				            "assignment is not supported");
				return -1;
			}
			for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
				if (strncmp(p, ops[k].s, strlen(ops[k].s)) == 0)
					break;
			if (k == sizeof(ops) / sizeof(ops[0])) {
				hs_jqn_fail(ps, t.pos, "unsupported character");
				return -1;
			}
			t.t = ops[k].t;
			p += strlen(ops[k].s);
		}
		ps->toks = hs_xgrow(ps->toks, sizeof(*ps->toks), ps->ntok + 1,
		                    &ps->cap);
		ps->toks[ps->ntok++] = t;
		if (t.t == T_EOF)
			return 0;
	}
}
