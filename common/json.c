/*
 * json.c: the strict JSON parser and validator that builds the node tape
 * (also selectively, and validating without nodes), UTF-8 validation and
 * parse errors.  Reading the tape is elsewhere: strings, their escapes and
 * equality in json-str.c, lookups (members, pointers, paths, numbers) in
 * json-query.c; json-int.h holds what they share.
 *
 * The parser is one loop with explicit states (value, key, next) and no
 * recursion: while a container is open, its node's `end` field holds the
 * index of the enclosing open container, so the node array itself is the
 * stack.  Closing a container pops that link and stores the real `end`.
 * Nesting therefore costs no C stack and no extra memory.
 *
 * String bodies are scanned 16 bytes at a time with SSE2 (8 at a time with
 * SWAR elsewhere) for the only bytes that need attention: '"', '\\',
 * control characters and bytes >= 0x80, which start a UTF-8 sequence to
 * validate.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "alloc.h"
#include "buf.h"
#include "json.h"
#include "json-int.h"

#include "banned.h"

/* JSON whitespace: space, tab, line feed, carriage return only. */
static const unsigned char ws_tab[256] = {
    [' '] = 1,
    ['\t'] = 1,
    ['\n'] = 1,
    ['\r'] = 1,
};

/* Bytes that stop the plain run of a string body. */
static const unsigned char str_stop[256] = {
    R16(1), R16(1), ['"'] = 1, ['\\'] = 1, [0x80] = R16(1), R16(1),
    R16(1), R16(1), R16(1),    R16(1),     R16(1),          R16(1),
};

#define SKIP_WS()                             \
	do {                                  \
		while (p < end && ws_tab[*p]) \
			p++;                  \
	} while (0)

void hs_json_doc_init(struct hs_json_doc *d)
{
	memset(d, 0, sizeof(*d));
	d->max_depth = HS_JSON_MAX_DEPTH;
}

void hs_json_doc_release(struct hs_json_doc *d)
{
	free(d->nodes);
	d->nodes = NULL;
	d->n = d->cap = 0;
}

void hs_json_error_text(const struct hs_json_doc *d, char *buf, size_t n)
{
	snprintf(buf, n, "byte %zu: %s", d->err_off + 1, d->err);
}

const char *hs_json_error_reason(enum hs_json_error e)
{
	switch (e) {
	case HS_JSON_OK:
		return "ok";
	case HS_JSON_E_UTF8:
		return "invalid_utf8";
	case HS_JSON_E_DEPTH:
		return "too_deep";
	case HS_JSON_E_TOOBIG:
		return "too_large";
	case HS_JSON_E_SYNTAX:
	default:
		return "invalid_json";
	}
}

__attribute__((format(printf, 4, 5), cold)) static int
fail(struct hs_json_doc *d, enum hs_json_error code, size_t off,
     const char *fmt, ...)
{
	va_list ap;

	d->err_code = code;
	d->err_off = off;
	va_start(ap, fmt);
	vsnprintf(d->err, sizeof(d->err), fmt, ap);
	va_end(ap);
	d->n = 0; /* never leave a half-built tape to walk */
	return -1;
}

/* Length of the valid UTF-8 sequence starting with byte q[0] >= 0x80,
 * or 0: rejects overlong forms, UTF-16 surrogates and > U+10FFFF. */
static size_t utf8_seq(const unsigned char *q, const unsigned char *end)
{
	unsigned c = q[0], lo = 0x80, hi = 0xBF;
	size_t left = (size_t)(end - q);

	if (c < 0xC2)
		return 0; /* stray continuation byte, or overlong C0/C1 */
	if (c < 0xE0)
		return left >= 2 && (q[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c < 0xF0) {
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
		return left >= 3 && q[1] >= lo && q[1] <= hi &&
		               (q[2] & 0xC0) == 0x80
		           ? 3
		           : 0;
	}
	if (c < 0xF5) {
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
		return left >= 4 && q[1] >= lo && q[1] <= hi &&
		               (q[2] & 0xC0) == 0x80 && (q[3] & 0xC0) == 0x80
		           ? 4
		           : 0;
	}
	return 0;
}

int hs_utf8_valid(const char *s, size_t n, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		size_t k;

		if (*p < 0x80) {
			p++;
			continue;
		}
		k = utf8_seq(p, end);
		if (!k) {
			if (bad)
				*bad = (size_t)(p - (const unsigned char *)s);
			return 0;
		}
		p += k;
	}
	return 1;
}

/* Check the escape at q ('\\'); return the byte after it or NULL. */
static const unsigned char *check_escape(struct hs_json_doc *d,
                                         const unsigned char *s,
                                         const unsigned char *q,
                                         const unsigned char *end)
{
	long u, lo;

	if (end - q < 2) {
		fail(d, HS_JSON_E_SYNTAX, (size_t)(q - s),
		     "unterminated string");
		return NULL;
	}
	switch (q[1]) {
	case '"':
	case '\\':
	case '/':
	case 'b':
	case 'f':
	case 'n':
	case 'r':
	case 't':
		return q + 2;
	case 'u':
		break;
	default:
		if (q[1] > 0x20 && q[1] < 0x7F)
			fail(d, HS_JSON_E_SYNTAX, (size_t)(q - s),
			     "invalid escape '\\%c' in string", q[1]);
		else
			fail(d, HS_JSON_E_SYNTAX, (size_t)(q - s),
			     "invalid escape in string");
		return NULL;
	}
	u = hex4(q + 2, end);
	if (u < 0) {
		fail(d, HS_JSON_E_SYNTAX, (size_t)(q - s),
		     "expected 4 hex digits after '\\u' in string");
		return NULL;
	}
	if (u >= 0xD800 && u <= 0xDBFF) {
		if (end - q >= 12 && q[6] == '\\' && q[7] == 'u') {
			lo = hex4(q + 8, end);
			if (lo >= 0xDC00 && lo <= 0xDFFF)
				return q + 12;
		}
	} else if (u < 0xDC00 || u > 0xDFFF) {
		return q + 6;
	}
	fail(d, HS_JSON_E_UTF8, (size_t)(q - s),
	     "unpaired surrogate '\\u%04lX' in string", u);
	return NULL;
}

/* Validate the string starting at the quote p; return the byte after the
 * closing quote, or NULL with the error set. */
static const unsigned char *
scan_string(struct hs_json_doc *d, const unsigned char *s,
            const unsigned char *p, const unsigned char *end, uint8_t *flags)
{
	const unsigned char *q = p + 1;
	uint8_t fl = 0;
	size_t k;

	for (;;) {
#if defined(__SSE2__)
		const __m128i quote = _mm_set1_epi8('"');
		const __m128i bslash = _mm_set1_epi8('\\');
		const __m128i space = _mm_set1_epi8(' ');

		while (end - q >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)q);
			/* Signed compare: < 0x20 catches bytes >= 0x80 too. */
			__m128i m = _mm_or_si128(
			    _mm_or_si128(_mm_cmpeq_epi8(v, quote),
			                 _mm_cmpeq_epi8(v, bslash)),
			    _mm_cmplt_epi8(v, space));
			unsigned bits = (unsigned)_mm_movemask_epi8(m);

			if (bits) {
				q += __builtin_ctz(bits);
				goto stop;
			}
			q += 16;
		}
#else
		while (end - q >= 8) {
			const uint64_t ones = 0x0101010101010101ull;
			const uint64_t high = 0x8080808080808080ull;
			uint64_t x, t;

			memcpy(&x, q, 8);
			t = ((x ^ (ones * '"')) - ones) & ~(x ^ (ones * '"'));
			t |=
			    ((x ^ (ones * '\\')) - ones) & ~(x ^ (ones * '\\'));
			t |= (x - ones * 0x20) & ~x;
			t |= x;
			if (t & high)
				break;
			q += 8;
		}
#endif
		while (q < end && !str_stop[*q])
			q++;
		if (q == end) {
			fail(d, HS_JSON_E_SYNTAX, (size_t)(p - s),
			     "unterminated string");
			return NULL;
		}
#if defined(__SSE2__)
	stop:
#endif
		if (*q == '"') {
			*flags = fl;
			return q + 1;
		}
		if (*q == '\\') {
			fl |= HS_JSON_F_ESCAPED;
			q = check_escape(d, s, q, end);
			if (!q)
				return NULL;
			continue;
		}
		if (*q < 0x20) {
			fail(d, HS_JSON_E_SYNTAX, (size_t)(q - s),
			     "unescaped control character 0x%02X in string",
			     *q);
			return NULL;
		}
		fl |= HS_JSON_F_NONASCII;
		k = utf8_seq(q, end);
		if (!k) {
			fail(d, HS_JSON_E_UTF8, (size_t)(q - s),
			     "invalid UTF-8 byte 0x%02X in string", *q);
			return NULL;
		}
		q += k;
	}
}

/* The literal word[0..n) at p; return the byte after it or NULL. */
static inline const unsigned char *
literal(struct hs_json_doc *d, const unsigned char *s, const unsigned char *p,
        const unsigned char *end, const char *word, size_t n)
{
	if ((size_t)(end - p) < n || memcmp(p, word, n)) {
		fail(d, HS_JSON_E_SYNTAX, (size_t)(p - s),
		     "invalid literal, expected '%s'", word);
		return NULL;
	}
	return p + n;
}

/* Check the number at p; return the byte after it or NULL. */
static const unsigned char *
scan_number(struct hs_json_doc *d, const unsigned char *s,
            const unsigned char *p, const unsigned char *end, uint8_t *flags)
{
	const unsigned char *q = p;
	uint8_t fl = 0;

	if (*q == '-') {
		fl |= HS_JSON_F_NEG;
		q++;
	}
	if (q == end || !isdig(*q)) {
		fail(d, HS_JSON_E_SYNTAX, (size_t)(q - s),
		     "expected digit after '-'");
		return NULL;
	}
	if (*q == '0') {
		q++;
		if (q < end && isdig(*q)) {
			fail(d, HS_JSON_E_SYNTAX, (size_t)(q - 1 - s),
			     "leading zero in number");
			return NULL;
		}
	} else {
		while (q < end && isdig(*q))
			q++;
	}
	if (q < end && *q == '.') {
		fl |= HS_JSON_F_FRAC;
		if (++q == end || !isdig(*q)) {
			fail(d, HS_JSON_E_SYNTAX, (size_t)(q - s),
			     "expected digit after '.' in number");
			return NULL;
		}
		while (q < end && isdig(*q))
			q++;
	}
	if (q < end && (*q | 0x20) == 'e') {
		fl |= HS_JSON_F_EXP;
		if (++q < end && (*q == '+' || *q == '-'))
			q++;
		if (q == end || !isdig(*q)) {
			fail(d, HS_JSON_E_SYNTAX, (size_t)(q - s),
			     "expected digit in number exponent");
			return NULL;
		}
		while (q < end && isdig(*q))
			q++;
	}
	*flags = fl;
	return q;
}

static int unexpected(struct hs_json_doc *d, const unsigned char *s,
                      const unsigned char *p, const unsigned char *end,
                      const char *what)
{
	size_t off = (size_t)(p - s);

	if (p == end)
		return fail(d, HS_JSON_E_SYNTAX, off,
		            "unexpected end of input, expected %s", what);
	if (off == 0 && end - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		return fail(d, HS_JSON_E_SYNTAX, off,
		            "byte order mark is not allowed");
	if (*p > 0x20 && *p < 0x7F)
		return fail(d, HS_JSON_E_SYNTAX, off,
		            "unexpected '%c', expected %s", *p, what);
	return fail(d, HS_JSON_E_SYNTAX, off,
	            "unexpected byte 0x%02X, expected %s", *p, what);
}

/* Make room for one more node; returns the (maybe moved) array. */
__attribute__((noinline)) static struct hs_json_node *
grow(struct hs_json_doc *d, size_t len)
{
	size_t nc = d->cap ? (size_t)d->cap * 2 : 64;

	/* A first guess from the text size avoids most regrowth. */
	if (nc < len / 16)
		nc = len / 16;
	if (nc > UINT32_MAX)
		nc = UINT32_MAX;
	d->nodes = hs_xrealloc(d->nodes, nc * sizeof(*d->nodes));
	d->cap = (uint32_t)nc;
	return d->nodes;
}

/* ---- the parser ---- */

/*
 * Validate the one value at p without building nodes, with exactly the
 * checks and messages of hs_json_parse() in the same order, so a line is
 * refused at the same byte for the same reason either way.  depth is the
 * nesting the value sits at.  Open containers are kept as one bit each
 * (1 = object) on a stack sized for the deepest nesting allowed.
 */
static const unsigned char *skip_value(struct hs_json_doc *d,
                                       const unsigned char *s,
                                       const unsigned char *p,
                                       const unsigned char *end, unsigned depth,
                                       unsigned maxd)
{
	uint64_t stack[(UINT16_MAX + 64) / 64];
	unsigned open = 0; /* containers opened here */
	const unsigned char *q;
	uint8_t fl;

#define TOP_IS_OBJ() (stack[(open - 1) / 64] >> ((open - 1) % 64) & 1)
value:
	SKIP_WS();
	if (p == end) {
		unexpected(d, s, p, end, "a value");
		return NULL;
	}
	switch (*p) {
	case '"':
		q = scan_string(d, s, p, end, &fl);
		if (!q)
			return NULL;
		break;
	case '-':
	case '0':
	case '1':
	case '2':
	case '3':
	case '4':
	case '5':
	case '6':
	case '7':
	case '8':
	case '9':
		q = scan_number(d, s, p, end, &fl);
		if (!q)
			return NULL;
		break;
	case 't':
		if (!(q = literal(d, s, p, end, "true", 4)))
			return NULL;
		break;
	case 'f':
		if (!(q = literal(d, s, p, end, "false", 5)))
			return NULL;
		break;
	case 'n':
		if (!(q = literal(d, s, p, end, "null", 4)))
			return NULL;
		break;
	case '[':
	case '{': {
		uint64_t bit = 1ull << (open % 64);

		if (depth >= maxd) {
			fail(d, HS_JSON_E_DEPTH, (size_t)(p - s),
			     "nesting deeper than %u levels", maxd);
			return NULL;
		}
		if (*p == '{')
			stack[open / 64] |= bit;
		else
			stack[open / 64] &= ~bit;
		open++;
		depth++;
		p++;
		SKIP_WS();
		if (!TOP_IS_OBJ()) {
			if (p < end && *p == ']')
				goto close;
			goto value;
		}
		if (p < end && *p == '}')
			goto close;
		goto key;
	}
	default:
		unexpected(d, s, p, end, "a value");
		return NULL;
	}
	p = q;

next:
	if (!open)
		return p;
	SKIP_WS();
	if (!TOP_IS_OBJ()) {
		if (p < end && *p == ',') {
			p++;
			goto value;
		}
		if (p < end && *p == ']')
			goto close;
		unexpected(d, s, p, end, "',' or ']' after array element");
		return NULL;
	}
	if (p < end && *p == ',') {
		p++;
		SKIP_WS();
		goto key;
	}
	if (p < end && *p == '}')
		goto close;
	unexpected(d, s, p, end, "',' or '}' after object member");
	return NULL;

key:
	if (p == end || *p != '"') {
		unexpected(d, s, p, end, "'\"' to begin an object key");
		return NULL;
	}
	q = scan_string(d, s, p, end, &fl);
	if (!q)
		return NULL;
	p = q;
	SKIP_WS();
	if (p == end || *p != ':') {
		unexpected(d, s, p, end, "':' after object key");
		return NULL;
	}
	p++;
	goto value;

close:
	p++;
	depth--;
	open--;
	goto next;
#undef TOP_IS_OBJ
}

/*
 * The parser loop, for hs_json_parse() (sel NULL: every node, and the
 * selector code folds away, since this is inlined into each caller) and
 * hs_json_parse_select() (members sel does not want, and the content of
 * objects in a state that wants no members, are validated by
 * skip_value() and leave no nodes).  While a container is open, its
 * node's end links to the parent and, when selecting, its len holds its
 * selector state.
 */
static inline __attribute__((always_inline)) int
parse(struct hs_json_doc *d, const char *text, size_t len,
      const struct hs_json_select *sel, struct hs_buf *kb)
{
	const unsigned char *s = (const unsigned char *)text;
	const unsigned char *p = s, *end = s + len, *q;
	struct hs_json_node *nodes = d->nodes, *nd;
	uint32_t n = 0, cur = HS_JSON_NONE, vstate = 0;
	unsigned depth = 0, maxd = d->max_depth;
	uint8_t fl;

	/* depth is a uint16_t in each node */
	if (maxd > UINT16_MAX)
		maxd = UINT16_MAX;
	d->text = text;
	d->textlen = len;
	d->n = 0;
	d->err_code = HS_JSON_OK;
	d->err_off = 0;
	d->err[0] = '\0';
	/* Every node takes at least one byte, so n < len fits too. */
	if (len >= UINT32_MAX)
		return fail(d, HS_JSON_E_TOOBIG, 0,
		            "text longer than 4 GiB - 2 bytes");

value:
	/* vstate: the selector state of the value about to be read */
	SKIP_WS();
	if (p == end)
		return unexpected(d, s, p, end, "a value");
	if (n == d->cap)
		nodes = grow(d, sel ? 0 : len);
	nd = &nodes[n];
	nd->off = (uint32_t)(p - s);
	nd->count = 0;
	nd->flags = 0;
	nd->depth = (uint16_t)depth;
	switch (*p) {
	case '"':
		q = scan_string(d, s, p, end, &fl);
		if (!q)
			return -1;
		nd->type = HS_JSON_STRING;
		nd->flags = fl;
		break;
	case '-':
	case '0':
	case '1':
	case '2':
	case '3':
	case '4':
	case '5':
	case '6':
	case '7':
	case '8':
	case '9':
		q = scan_number(d, s, p, end, &fl);
		if (!q)
			return -1;
		nd->type = HS_JSON_NUMBER;
		nd->flags = fl;
		break;
	case 't':
		if (!(q = literal(d, s, p, end, "true", 4)))
			return -1;
		nd->type = HS_JSON_TRUE;
		break;
	case 'f':
		if (!(q = literal(d, s, p, end, "false", 5)))
			return -1;
		nd->type = HS_JSON_FALSE;
		break;
	case 'n':
		if (!(q = literal(d, s, p, end, "null", 4)))
			return -1;
		nd->type = HS_JSON_NULL;
		break;
	case '[':
	case '{':
		if (sel && *p == '{' && sel->leaf(sel->ctx, vstate)) {
			/* no member wanted: validate, keep it childless */
			q = skip_value(d, s, p, end, depth, maxd);
			if (!q)
				return -1;
			nd->type = HS_JSON_OBJECT;
			break;
		}
		if (depth >= maxd)
			return fail(d, HS_JSON_E_DEPTH, (size_t)(p - s),
			            "nesting deeper than %u levels", maxd);
		nd->type = *p == '[' ? HS_JSON_ARRAY : HS_JSON_OBJECT;
		nd->end = cur; /* link to the parent while open */
		if (sel)
			nd->len = vstate;
		cur = n++;
		depth++;
		p++;
		SKIP_WS();
		if (nd->type == HS_JSON_ARRAY) {
			if (p < end && *p == ']')
				goto close;
			nd->count = 1;
			goto value; /* elements share the array's state */
		}
		if (p < end && *p == '}')
			goto close;
		goto key;
	default:
		return unexpected(d, s, p, end, "a value");
	}
	nd->len = (uint32_t)(q - p);
	nd->end = ++n;
	p = q;

next:
	if (cur == HS_JSON_NONE)
		goto done;
	SKIP_WS();
	if (nodes[cur].type == HS_JSON_ARRAY) {
		if (p < end && *p == ',') {
			p++;
			nodes[cur].count++;
			if (sel)
				vstate = nodes[cur].len;
			goto value;
		}
		if (p < end && *p == ']')
			goto close;
		return unexpected(d, s, p, end,
		                  "',' or ']' after array element");
	}
	if (p < end && *p == ',') {
		p++;
		SKIP_WS();
		goto key;
	}
	if (p < end && *p == '}')
		goto close;
	return unexpected(d, s, p, end, "',' or '}' after object member");

key:
	if (p == end || *p != '"')
		return unexpected(d, s, p, end, "'\"' to begin an object key");
	q = scan_string(d, s, p, end, &fl);
	if (!q)
		return -1;
	if (sel) {
		const char *k = (const char *)p + 1;
		size_t kn = (size_t)(q - p) - 2;

		if (fl & HS_JSON_F_ESCAPED) {
			hs_json_decode_key(k, k + kn, kb);
			k = kb->data;
			kn = kb->len;
		}
		vstate = sel->member(sel->ctx, nodes[cur].len, k, kn);
		if (vstate == HS_JSON_NONE) {
			p = q;
			SKIP_WS();
			if (p == end || *p != ':')
				return unexpected(d, s, p, end,
				                  "':' after object key");
			q = skip_value(d, s, p + 1, end, depth, maxd);
			if (!q)
				return -1;
			p = q;
			goto next;
		}
	}
	if (n == d->cap)
		nodes = grow(d, sel ? 0 : len);
	nd = &nodes[n];
	nd->off = (uint32_t)(p - s);
	nd->len = (uint32_t)(q - p);
	nd->count = 0;
	nd->type = HS_JSON_STRING;
	nd->flags = fl;
	nd->depth = (uint16_t)depth;
	nd->end = ++n;
	nodes[cur].count++;
	p = q;
	SKIP_WS();
	if (p == end || *p != ':')
		return unexpected(d, s, p, end, "':' after object key");
	p++;
	goto value;

close : {
	/* p is at the closing bracket of container cur */
	uint32_t parent = nodes[cur].end;

	nodes[cur].end = n;
	nodes[cur].len = (uint32_t)(p + 1 - s) - nodes[cur].off;
	p++;
	depth--;
	cur = parent;
	goto next;
}

done:
	SKIP_WS();
	if (p != end)
		return unexpected(d, s, p, end, "end of input after the value");
	d->n = n;
	return 0;
}

int hs_json_parse(struct hs_json_doc *d, const char *text, size_t len)
{
	return parse(d, text, len, NULL, NULL);
}

int hs_json_parse_select(struct hs_json_doc *d, const char *text, size_t len,
                         const struct hs_json_select *sel)
{
	struct hs_buf kb = HS_BUF_INIT;
	int rc = parse(d, text, len, sel, &kb);

	hs_buf_release(&kb);
	return rc;
}
