/*
 * json.h: a strict RFC 8259 parser that builds a flat "tape" of nodes
 * pointing into the caller's text.  Nothing is copied: strings and
 * numbers are located by offset and length, so unchanged parts of an
 * event can be written out byte-identical and numbers keep their literal
 * text.
 *
 * Layout: nodes are stored in document order.  A container node is
 * followed by its descendants; node.end is the index just past its last
 * descendant, so a whole subtree is skipped in O(1).  An object's children
 * alternate key (a string node) and value.  Iterate:
 *
 *	for (uint32_t k = obj + 1; k < d->nodes[obj].end; k = d->nodes[k + 1].end)
 *		key k, value k + 1
 *	for (uint32_t e = arr + 1; e < d->nodes[arr].end; e = d->nodes[e].end)
 *		element e
 *
 * or use HS_JSON_FOREACH_MEMBER / HS_JSON_FOREACH_ELEM below.
 *
 * The text must stay alive and unchanged while the document is used.
 */
#ifndef HS_JSON_H
#define HS_JSON_H

#include <stddef.h>
#include <stdint.h>

struct hs_buf;

enum hs_json_type {
	HS_JSON_NULL = 0,
	HS_JSON_FALSE,
	HS_JSON_TRUE,
	HS_JSON_NUMBER,
	HS_JSON_STRING,
	HS_JSON_ARRAY,
	HS_JSON_OBJECT
};

/* node.flags */
#define HS_JSON_F_ESCAPED 0x01  /* string: contains a backslash escape */
#define HS_JSON_F_FRAC 0x02     /* number: has a fraction part */
#define HS_JSON_F_EXP 0x04      /* number: has an exponent part */
#define HS_JSON_F_NEG 0x08      /* number: starts with '-' */
#define HS_JSON_F_NONASCII 0x10 /* string: raw text holds bytes >= 0x80 */

/* "no such node": returned by lookups that find nothing */
#define HS_JSON_NONE UINT32_MAX

/* Parse errors, in d->err_code after hs_json_parse() fails. */
enum hs_json_error {
	HS_JSON_OK = 0,
	HS_JSON_E_SYNTAX, /* not JSON at all, or malformed */
	HS_JSON_E_UTF8,   /* a string holds invalid UTF-8 */
	HS_JSON_E_DEPTH,  /* nesting deeper than max_depth */
	HS_JSON_E_TOOBIG  /* more than 2^32-1 bytes or nodes */
};

struct hs_json_node {
	uint32_t off;   /* offset of the value's first byte in the text */
	uint32_t len;   /* bytes of its text: strings with quotes, containers
	                   through the closing bracket */
	uint32_t end;   /* index just past this value and its descendants */
	uint32_t count; /* arrays: elements; objects: members; else 0 */
	uint8_t type;   /* enum hs_json_type */
	uint8_t flags;  /* HS_JSON_F_* */
	uint16_t depth; /* 0 for the root */
};

struct hs_json_doc {
	const char *text; /* the parsed text, not owned */
	size_t textlen;
	struct hs_json_node *nodes; /* owned; nodes[0] is the root */
	uint32_t n, cap;
	unsigned max_depth; /* default HS_JSON_MAX_DEPTH; set before parsing */

	/* set when hs_json_parse() returns -1 */
	enum hs_json_error err_code;
	size_t err_off; /* byte offset where the error was detected */
	char err[160]; /* human message, e.g. "expected ':' after object key" */
};

#define HS_JSON_MAX_DEPTH 512

/* Prepare an empty document.  Release with hs_json_doc_release(). */
void hs_json_doc_init(struct hs_json_doc *d);

/* Free the node array.  The document may be initialized again. */
void hs_json_doc_release(struct hs_json_doc *d);

/*
 * Parse exactly one JSON value in text[0..len) (surrounding whitespace is
 * allowed, anything else after the value is an error).  Reuses d's node
 * array, so parsing many lines into one document allocates only while the
 * largest line grows.  Strings are checked to be valid UTF-8 (no overlong
 * forms, no surrogates encoded in UTF-8, no code points past U+10FFFF);
 * \u escapes must pair surrogates correctly.  Returns 0, or -1 with
 * d->err_code, d->err_off and d->err set (and d->n = 0).
 *
 * Where RFC 8259 leaves a choice (JSONTestSuite's i_ cases): invalid
 * UTF-8, lone or inverted surrogates in \u escapes, UTF-16 text and a
 * byte order mark are rejected (HS_JSON_E_UTF8 for the first two);
 * numbers of any size or exponent are accepted (their literal text is
 * kept); more than d->max_depth nested arrays/objects is HS_JSON_E_DEPTH
 * (max_depth 0 allows only a scalar; values above 65535 act as 65535).
 * Parsing needs no recursion, so any depth is safe for the C stack.
 * d->err holds no offset: callers print d->err_off beside it.
 */
int hs_json_parse(struct hs_json_doc *d, const char *text, size_t len);

/*
 * A selector for hs_json_parse_select(): which object members to build
 * nodes for.  States are the selector's own numbers; the root value is in
 * state 0, an array's elements share the array's state.
 *
 * member: the state of member key[0..n) (decoded, not NUL-terminated) of
 *   an object in state st, or HS_JSON_NONE to skip the member.
 * leaf: 1 if no member of an object in state st can be wanted, so the
 *   object's content may be skipped whole.
 */
struct hs_json_select {
	uint32_t (*member)(void *ctx, uint32_t st, const char *key, size_t n);
	int (*leaf)(void *ctx, uint32_t st);
	void *ctx;
};

/*
 * Parse like hs_json_parse(), building nodes only for what sel selects:
 * the root, each member sel->member() wants (its key and value nodes),
 * every element of a kept array, and a kept object in a leaf state as a
 * node with no children.  Everything else is validated by a scan that
 * stores nothing, so the text is refused exactly when hs_json_parse()
 * refuses it, with the same err_code, err_off and err.  In the tape, an
 * object's count is its kept members; off, len, type, flags and depth of
 * every kept node are as hs_json_parse() sets them.  Lookups on kept
 * paths (hs_json_obj_get() and the rest) work as on a full document.
 * Returns 0 or -1.
 */
int hs_json_parse_select(struct hs_json_doc *d, const char *text, size_t len,
                         const struct hs_json_select *sel);

/* Raw text of node i (for strings, including the quotes). */
static inline const char *hs_json_raw(const struct hs_json_doc *d, uint32_t i)
{
	return d->text + d->nodes[i].off;
}

static inline enum hs_json_type hs_json_type(const struct hs_json_doc *d,
                                             uint32_t i)
{
	return (enum hs_json_type)d->nodes[i].type;
}

#define HS_JSON_FOREACH_MEMBER(d, obj, k)                       \
	for (uint32_t k = (obj) + 1; k < (d)->nodes[(obj)].end; \
	     k = (d)->nodes[k + 1].end)
#define HS_JSON_FOREACH_ELEM(d, arr, e)                         \
	for (uint32_t e = (arr) + 1; e < (d)->nodes[(arr)].end; \
	     e = (d)->nodes[e].end)

/*
 * Decoded string value of string node i, appended to out (no terminating
 * NUL counted in out->len, but out->data is NUL-terminated).  Returns 0.
 */
int hs_json_str_decode(const struct hs_json_doc *d, uint32_t i,
                       struct hs_buf *out);

/*
 * If string node i has no escapes, set *p and *n to its content between the
 * quotes and return 1; otherwise return 0 (decode it instead).
 */
int hs_json_str_plain(const struct hs_json_doc *d, uint32_t i, const char **p,
                      size_t *n);

/* 1 if string node i decodes to exactly s[0..n), else 0. */
int hs_json_str_eq(const struct hs_json_doc *d, uint32_t i, const char *s,
                   size_t n);

/*
 * Value of member key[0..keylen) of object node obj, or HS_JSON_NONE
 * (also when obj is not an object).  With duplicate keys, the last wins,
 * as in most parsers and in jq.
 */
uint32_t hs_json_obj_get(const struct hs_json_doc *d, uint32_t obj,
                         const char *key, size_t keylen);

/* Element idx of array node arr, or HS_JSON_NONE. */
uint32_t hs_json_arr_at(const struct hs_json_doc *d, uint32_t arr,
                        uint32_t idx);

/*
 * RFC 6901 JSON Pointer lookup from node root ("" is root itself,
 * "/detail/user/id", "~0" and "~1" escapes, array indexes).  Returns the
 * node or HS_JSON_NONE.
 */
uint32_t hs_json_pointer(const struct hs_json_doc *d, uint32_t root,
                         const char *ptr, size_t ptrlen);

/*
 * jq-style path lookup: ".detail.user.id", ".a[0].b", "." for root,
 * ".[\"odd key\"]".  Returns the node or HS_JSON_NONE (also for a path
 * this simple syntax does not accept).
 */
uint32_t hs_json_path(const struct hs_json_doc *d, uint32_t root,
                      const char *path);

/* Number node i as a double (strtod on the literal). */
double hs_json_num(const struct hs_json_doc *d, uint32_t i);

/*
 * Number node i as an int64 when its literal is an integer in range
 * (a literal like 1.0 or 1e2 counts when its value is integral).
 * Returns 0 and sets *out, or -1.
 */
int hs_json_int64(const struct hs_json_doc *d, uint32_t i, int64_t *out);

/*
 * JSON equality of node a in da and node b in db: numbers by exact
 * decimal value (1 equals 1.0 and 10e-1), strings by decoded content,
 * objects regardless of member order, arrays element by element.
 * Returns 1 if equal, else 0.
 */
int hs_json_equal(const struct hs_json_doc *da, uint32_t a,
                  const struct hs_json_doc *db, uint32_t b);

/* Append s[0..n) to out as a JSON string literal, quotes included. */
void hs_json_write_str(struct hs_buf *out, const char *s, size_t n);

/*
 * 1 if s[0..n) is valid UTF-8 by the same rules the parser applies to
 * strings, else 0 (with *bad, if not NULL, set to the offset of the first
 * bad byte).
 */
int hs_utf8_valid(const char *s, size_t n, size_t *bad);

/*
 * Write code point c (at most 0x10FFFF, not a surrogate) to o as UTF-8;
 * returns the length, 1 to 4.
 */
static inline size_t hs_utf8_put(uint32_t c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (char)(0x80 | (c >> 6 & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* Name of an error code ("invalid_json", "invalid_utf8", "too_deep",
 * "too_large"): the dead-letter reason for a parse failure. */
const char *hs_json_error_reason(enum hs_json_error e);

/* The message of d's parse failure, "byte N: what" (N from 1), into
 * buf: the one wording every tool's dead letter and stderr line give. */
void hs_json_error_text(const struct hs_json_doc *d, char *buf, size_t n);

#endif
