/*
 * jqnative-int.h: internals shared by the files of the native jq subset:
 * jqnative.c (the arena, values, printing, equality and order),
 * jqnative-lex.c (tokens), jqnative-parse.c (the program tree),
 * jqnative-ops.c (operators, indexing, builtins) and jqnative-eval.c
 * (generators with continuations).  The small value helpers are static
 * inline here because evaluation calls them on every step.  Not a public
 * header: only those files include it; callers use jqnative.h.
 */
#ifndef HS_JQNATIVE_INT_H
#define HS_JQNATIVE_INT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "jqbridge.h"
#include "jqnative.h"
#include "json.h"

#define PUNT HS_JQN_PUNT
/* Deeper values than this are left to libjq (the C stack is finite). */
#define MAX_DEPTH 256
/* Nodes and nesting of a program taken natively. */
#define MAX_NODES 2000
#define MAX_NEST 200

/* ---- arena and values (jqnative.c) ---- */

struct blk {
	struct blk *next;
	size_t cap, used;
	max_align_t data[];
};

struct arena {
	struct blk *head, *cur;
};

#define BLK_SIZE (64u << 10)

/* The order is jv_cmp()'s order of kinds, and json.h's node types. */
enum vkind { V_NULL, V_FALSE, V_TRUE, V_NUM, V_STR, V_ARR, V_OBJ, V_TAPE };

struct obj;

struct val {
	uint32_t k; /* enum vkind */
	uint32_t n; /* V_STR bytes, V_ARR elements, V_TAPE node */
	union {
		double num;
		const char *s;
		const struct val *a;
		const struct obj *o;
	} u;
};

/* An object: unique keys (V_STR) in insertion order, kv[2i], kv[2i+1]. */
struct obj {
	uint32_t n, cap;
	struct val *kv;
	uint32_t *ht; /* index + 1 of each key, or 0; built past HT_MIN */
	uint32_t hcap;
};

#define HT_MIN 16

struct ctx {
	const struct hs_json_doc *d;
	struct arena *ar;
	struct hs_buf *tmp;
};

static const struct val v_null = {V_NULL, 0, {0}};

static const struct val v_true = {V_TRUE, 0, {0}};

static const struct val v_false = {V_FALSE, 0, {0}};

static inline void *aalloc(struct arena *a, size_t n)
{
	struct blk *b = a->cur, *nb;

	n = (n + 15) & ~(size_t)15;
	while (b && b->cap - b->used < n) {
		if (!b->next)
			break;
		b = b->next;
		b->used = 0;
	}
	if (!b || b->cap - b->used < n) {
		size_t cap = n > BLK_SIZE ? n : BLK_SIZE;

		nb = hs_xmalloc(sizeof(*nb) + cap);
		nb->next = NULL;
		nb->cap = cap;
		nb->used = 0;
		if (b)
			b->next = nb;
		else
			a->head = nb;
		b = nb;
	}
	a->cur = b;
	b->used += n;
	return (char *)b->data + b->used - n;
}

static inline char *astrdup(struct arena *a, const char *s, size_t n)
{
	char *p = aalloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static inline struct val vbool(int b)
{
	return b ? v_true : v_false;
}

static inline struct val vnum(double d)
{
	struct val v = {V_NUM, 0, {0}};

	v.u.num = d;
	return v;
}

static inline struct val vstr(const char *s, size_t n)
{
	struct val v = {V_STR, (uint32_t)n, {0}};

	v.u.s = s;
	return v;
}

static inline struct val vtape(uint32_t node)
{
	struct val v = {V_TAPE, node, {0}};

	return v;
}

static inline int kind(const struct ctx *x, struct val v)
{
	return v.k == V_TAPE ? (int)x->d->nodes[v.n].type : (int)v.k;
}

static inline int truthy(const struct ctx *x, struct val v)
{
	int k = kind(x, v);

	return k != V_NULL && k != V_FALSE;
}

static inline double num(const struct ctx *x, struct val v)
{
	if (v.k == V_TAPE)
		return hs_jq_num(hs_json_raw(x->d, v.n), x->d->nodes[v.n].len);
	return v.u.num;
}

/* The bytes of a string value (tape strings decoded into the arena). */
static inline void str(struct ctx *x, struct val v, const char **s, size_t *n)
{
	if (v.k != V_TAPE) {
		*s = v.u.s;
		*n = v.n;
		return;
	}
	if (hs_json_str_plain(x->d, v.n, s, n))
		return;
	hs_buf_reset(x->tmp);
	hs_json_str_decode(x->d, v.n, x->tmp);
	*s = astrdup(x->ar, x->tmp->data, x->tmp->len);
	*n = x->tmp->len;
}

static inline struct val resolve_str(struct ctx *x, struct val v)
{
	const char *s;
	size_t n;

	str(x, v, &s, &n);
	return vstr(s, n);
}

/* Elements of an array value; tape elements stay lazy. */
static inline uint32_t arr(struct ctx *x, struct val v,
                           const struct val **items)
{
	const struct hs_json_doc *d = x->d;
	struct val *it;
	uint32_t i = 0;

	if (v.k != V_TAPE) {
		*items = v.u.a;
		return v.n;
	}
	it = aalloc(x->ar, (d->nodes[v.n].count + 1) * sizeof(*it));
	HS_JSON_FOREACH_ELEM(d, v.n, e)
	it[i++] = vtape(e);
	*items = it;
	return i;
}

static inline struct val vobj(const struct obj *o)
{
	struct val v = {V_OBJ, 0, {0}};

	v.u.o = o;
	return v;
}

static inline struct val varr(const struct val *a, uint32_t n)
{
	struct val v = {V_ARR, n, {0}};

	v.u.a = a;
	return v;
}

/* jqnative.c: arena lifetime, objects, printing as jq -c, jv_cmp() and
 * jv_equal() order and equality, and same() (a value is tape node i). */
void hs_jqn_arena_reset(struct arena *a);
void hs_jqn_arena_free(struct arena *a);
long hs_jqn_obj_find(const struct obj *o, const char *s, size_t n);
struct obj *hs_jqn_obj_new(struct ctx *x, uint32_t cap);
void hs_jqn_obj_set(struct ctx *x, struct obj *o, struct val key, struct val v);
const struct obj *hs_jqn_obj(struct ctx *x, struct val v);
int hs_jqn_print(struct ctx *x, struct val v, struct hs_buf *out, int depth);
int hs_jqn_dump_val(struct ctx *x, struct val v, struct val *out);
struct val *hs_jqn_sorted_keys(struct ctx *x, const struct obj *o);
int hs_jqn_cmp(struct ctx *x, struct val a, struct val b, int *r, int depth);
int hs_jqn_equal(struct ctx *x, struct val a, struct val b, int *eq, int depth);
int hs_jqn_same(struct ctx *x, struct val v, uint32_t i, int depth);

/* ---- the program tree (jqnative-parse.c) ---- */

enum op {
	O_ID,
	O_LIT,
	O_INDEX, /* a[b] */
	O_ITER,  /* a[] */
	O_PIPE,
	O_COMMA,
	O_ALT,
	O_AND,
	O_OR,
	O_BIN,
	O_NEG,
	O_IF, /* if a then b else c */
	O_ARR,
	O_OBJ,
	O_CALL
};

enum binop {
	B_ADD,
	B_SUB,
	B_MUL,
	B_DIV,
	B_MOD,
	B_EQ,
	B_NE,
	B_LT,
	B_LE,
	B_GT,
	B_GE
};

enum builtin {
	F_LENGTH,
	F_UTF8LEN,
	F_DOWN,
	F_UP,
	F_ADD,
	F_TOSTRING,
	F_TOJSON,
	F_TONUMBER,
	F_KEYS,
	F_KEYS_UNSORTED,
	F_TYPE,
	F_EMPTY,
	F_NOT,
	F_VALUES,
	/* one argument */
	F_SELECT,
	F_MAP,
	F_HAS,
	F_STARTSWITH,
	F_ENDSWITH,
	F_LTRIMSTR,
	F_RTRIMSTR,
	F_JOIN
};

struct node {
	enum op op;
	int opt; /* O_INDEX, O_ITER: the '?' form */
	int fn;  /* O_BIN: enum binop; O_CALL: enum builtin */
	struct node *a, *b, *c;
	struct val lit;
	struct pair {
		struct node *k, *v;
	} * pairs;
	uint32_t npairs;
};

struct hs_jqn {
	struct arena ar; /* the tree, its literals and argument values */
	struct node *root;
};

struct hs_jqn_state {
	struct arena ar;
	struct hs_buf tmp, out;
};

/* ---- tokens (jqnative-lex.c) ---- */

enum tok {
	T_EOF,
	T_DOT,
	T_FIELD,
	T_NUM,
	T_STR,
	T_IDENT,
	T_KEYWORD,
	T_VAR,
	T_PIPE,
	T_COMMA,
	T_ALT,
	T_EQ,
	T_NE,
	T_LT,
	T_LE,
	T_GT,
	T_GE,
	T_PLUS,
	T_MINUS,
	T_STAR,
	T_SLASH,
	T_PERCENT,
	T_LPAREN,
	T_RPAREN,
	T_LBRACK,
	T_RBRACK,
	T_LBRACE,
	T_RBRACE,
	T_COLON,
	T_QUESTION
};

struct token {
	enum tok t;
	const char *s; /* T_FIELD, T_IDENT, T_KEYWORD, T_VAR: name; T_STR */
	size_t n;
	double num;
	size_t pos;
};

struct parser {
	struct hs_jqn *p;
	jv args;
	struct token *toks;
	size_t ntok, cap, at;
	char *err;
	size_t errlen;
	int failed;
	int depth;
	unsigned nodes;
};

/* jqnative-lex.c: the first error at byte pos; a number literal jq
 * accepts as written; the tokens of prog into ps (0, or -1 on error). */
void hs_jqn_fail(struct parser *ps, size_t pos, const char *what);
int hs_jqn_strict_number(const char *p, size_t n, int leading_zeros);
int hs_jqn_lex(struct parser *ps, const char *prog);

/* ---- evaluation (jqnative-eval.c, jqnative-ops.c) ---- */

/* A continuation: called once per output of a node. */
typedef int (*kfn)(struct ctx *x, void *cl, struct val v);

struct k_call {
	const struct node *n;
	struct val in;
	kfn k;
	void *cl;
};

/* jqnative-ops.c: binary operator fn, a one-argument builtin
 * (cl a struct k_call, a its argument's output) and a builtin without
 * an argument evaluated (map is jqnative-eval.c's). */
int hs_jqn_binop(struct ctx *x, int fn, struct val a, struct val b,
                 struct val *out);
int hs_jqn_call1_k(struct ctx *x, void *cl, struct val a);
int hs_jqn_call0(struct ctx *x, const struct node *n, struct val in, kfn k,
                 void *cl);

#endif
