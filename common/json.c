/*
 * json.c: the strict JSON parser and the lookups over its node tape.
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
#include "num.h"

/* JSON whitespace: space, tab, line feed, carriage return only. */
static const unsigned char ws_tab[256] = {
    [' '] = 1,
    ['\t'] = 1,
    ['\n'] = 1,
    ['\r'] = 1,
};

/* Bytes that stop the plain run of a string body. */
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
static const unsigned char str_stop[256] = {
    R16(1), R16(1), ['"'] = 1, ['\\'] = 1, [0x80] = R16(1), R16(1),
    R16(1), R16(1), R16(1),    R16(1),     R16(1),          R16(1),
};

#define SKIP_WS()                             \
	do {                                  \
		while (p < end && ws_tab[*p]) \
			p++;                  \
	} while (0)

static int isdig(unsigned char c)
{
	return (unsigned)(c - '0') < 10;
}

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

static int hexval(unsigned char c)
{
	if (isdig(c))
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The 4 hex digits at q as a code unit, or -1. */
static long hex4(const unsigned char *q, const unsigned char *end)
{
	long v = 0;

	if (end - q < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int h = hexval(q[i]);

		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
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

static void decode_key(const char *p, const char *e, struct hs_buf *out);

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
			decode_key(k, k + kn, kb);
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

/*
 * Decode the escape at q (already validated by the parser) into o;
 * return the bytes written and set *adv to the escape's length.
 */
static size_t unescape(const unsigned char *q, char *o, size_t *adv)
{
	unsigned long cp;

	*adv = 2;
	switch (q[1]) {
	case 'b':
		*o = '\b';
		return 1;
	case 'f':
		*o = '\f';
		return 1;
	case 'n':
		*o = '\n';
		return 1;
	case 'r':
		*o = '\r';
		return 1;
	case 't':
		*o = '\t';
		return 1;
	case 'u':
		break;
	default:
		*o = (char)q[1];
		return 1;
	}
	cp = (unsigned long)hex4(q + 2, q + 6);
	*adv = 6;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		cp = 0x10000 + ((cp - 0xD800) << 10) +
		     ((unsigned long)hex4(q + 8, q + 12) - 0xDC00);
		*adv = 12;
	}
	return hs_utf8_put((uint32_t)cp, o);
}

/* A cursor yielding the decoded content of a string in chunks: runs of
 * raw text, or one decoded escape in tmp. */
struct scur {
	const char *p, *e;
	int raw; /* no escapes to interpret */
	char tmp[4];
};

static void scur_node(struct scur *c, const struct hs_json_doc *d, uint32_t i)
{
	c->p = d->text + d->nodes[i].off + 1;
	c->e = c->p + d->nodes[i].len - 2;
	c->raw = !(d->nodes[i].flags & HS_JSON_F_ESCAPED);
}

static int scur_next(struct scur *c, const char **out, size_t *n)
{
	const char *b;
	size_t adv;

	if (c->p >= c->e)
		return 0;
	if (!c->raw && *c->p == '\\') {
		*n = unescape((const unsigned char *)c->p, c->tmp, &adv);
		*out = c->tmp;
		c->p += adv;
		return 1;
	}
	b = c->raw ? NULL : memchr(c->p, '\\', (size_t)(c->e - c->p));
	if (!b)
		b = c->e;
	*out = c->p;
	*n = (size_t)(b - c->p);
	c->p = b;
	return 1;
}

/* Order two decoded strings bytewise: <0, 0, >0. */
static int scur_cmp(struct scur *a, struct scur *b)
{
	const char *pa = NULL, *pb = NULL;
	size_t na = 0, nb = 0, k;
	int r;

	for (;;) {
		if (!na && !scur_next(a, &pa, &na))
			return nb || scur_next(b, &pb, &nb) ? -1 : 0;
		if (!nb && !scur_next(b, &pb, &nb))
			return 1;
		k = na < nb ? na : nb;
		r = memcmp(pa, pb, k);
		if (r)
			return r;
		pa += k, na -= k;
		pb += k, nb -= k;
	}
}

static int scur_eq(struct scur *a, struct scur *b)
{
	return scur_cmp(a, b) == 0;
}

int hs_json_str_decode(const struct hs_json_doc *d, uint32_t i,
                       struct hs_buf *out)
{
	struct scur c;
	const char *p;
	size_t n;

	scur_node(&c, d, i);
	hs_buf_grow(out, d->nodes[i].len);
	while (scur_next(&c, &p, &n))
		hs_buf_add(out, p, n);
	return 0;
}

/* Decode the (validated) string body p..e into out, replacing it. */
static void decode_key(const char *p, const char *e, struct hs_buf *out)
{
	struct scur c = {p, e, 0, {0}};
	const char *part;
	size_t pn;

	hs_buf_reset(out);
	while (scur_next(&c, &part, &pn))
		hs_buf_add(out, part, pn);
}

int hs_json_str_plain(const struct hs_json_doc *d, uint32_t i, const char **p,
                      size_t *n)
{
	if (d->nodes[i].flags & HS_JSON_F_ESCAPED)
		return 0;
	*p = d->text + d->nodes[i].off + 1;
	*n = d->nodes[i].len - 2;
	return 1;
}

int hs_json_str_eq(const struct hs_json_doc *d, uint32_t i, const char *s,
                   size_t n)
{
	const struct hs_json_node *nd = &d->nodes[i];
	struct scur a, b;

	if (nd->type != HS_JSON_STRING)
		return 0;
	if (!(nd->flags & HS_JSON_F_ESCAPED))
		return nd->len - 2 == n && !memcmp(d->text + nd->off + 1, s, n);
	/* An escape shortens the text, so decoded length <= len - 2. */
	if (n > nd->len - 2)
		return 0;
	scur_node(&a, d, i);
	b.p = s;
	b.e = s + n;
	b.raw = 1;
	return scur_eq(&a, &b);
}

/* String node i of da equals string node j of db by content. */
static int str_nodes_eq(const struct hs_json_doc *da, uint32_t i,
                        const struct hs_json_doc *db, uint32_t j)
{
	const struct hs_json_node *a = &da->nodes[i], *b = &db->nodes[j];
	struct scur ca, cb;

	if (!((a->flags | b->flags) & HS_JSON_F_ESCAPED))
		return a->len == b->len &&
		       !memcmp(da->text + a->off, db->text + b->off, a->len);
	scur_node(&ca, da, i);
	scur_node(&cb, db, j);
	return scur_eq(&ca, &cb);
}

uint32_t hs_json_obj_get(const struct hs_json_doc *d, uint32_t obj,
                         const char *key, size_t keylen)
{
	uint32_t found = HS_JSON_NONE;

	if (obj >= d->n || d->nodes[obj].type != HS_JSON_OBJECT)
		return HS_JSON_NONE;
	HS_JSON_FOREACH_MEMBER(d, obj, k)
	{
		if (hs_json_str_eq(d, k, key, keylen))
			found = k + 1; /* keep going: the last one wins */
	}
	return found;
}

uint32_t hs_json_arr_at(const struct hs_json_doc *d, uint32_t arr, uint32_t idx)
{
	if (arr >= d->n || d->nodes[arr].type != HS_JSON_ARRAY ||
	    idx >= d->nodes[arr].count)
		return HS_JSON_NONE;
	HS_JSON_FOREACH_ELEM(d, arr, e)
	{
		if (idx-- == 0)
			return e;
	}
	return HS_JSON_NONE;
}

/* Parse a JSON Pointer array index: "0" or [1-9][0-9]*; -1 if not. */
static long long ptr_index(const char *s, size_t n)
{
	long long v = 0;

	if (n == 0 || n > 10 || (n > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isdig((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* One step down from node cur by the key/index in seg (already decoded
 * for keys). */
static uint32_t step(const struct hs_json_doc *d, uint32_t cur, const char *seg,
                     size_t n)
{
	long long idx;

	if (cur == HS_JSON_NONE || cur >= d->n)
		return HS_JSON_NONE;
	if (d->nodes[cur].type == HS_JSON_OBJECT)
		return hs_json_obj_get(d, cur, seg, n);
	if (d->nodes[cur].type != HS_JSON_ARRAY)
		return HS_JSON_NONE;
	idx = ptr_index(seg, n);
	if (idx < 0 || idx > UINT32_MAX)
		return HS_JSON_NONE;
	return hs_json_arr_at(d, cur, (uint32_t)idx);
}

uint32_t hs_json_pointer(const struct hs_json_doc *d, uint32_t root,
                         const char *ptr, size_t ptrlen)
{
	char small[256], *buf = small;
	size_t i = 0, cap = sizeof(small);
	uint32_t cur = root;

	if (root >= d->n)
		return HS_JSON_NONE;
	if (ptrlen && ptr[0] != '/')
		return HS_JSON_NONE;
	while (i < ptrlen && cur != HS_JSON_NONE) {
		size_t st = ++i, k = 0;

		while (i < ptrlen && ptr[i] != '/')
			i++;
		if (i - st > cap) {
			if (buf != small)
				free(buf);
			cap = i - st;
			buf = hs_xmalloc(cap);
		}
		for (size_t j = st; j < i; j++) {
			if (ptr[j] != '~') {
				buf[k++] = ptr[j];
			} else if (j + 1 < i &&
			           (ptr[j + 1] == '0' || ptr[j + 1] == '1')) {
				buf[k++] = ptr[++j] == '0' ? '~' : '/';
			} else {
				cur = HS_JSON_NONE; /* "~" must be ~0 or ~1 */
				break;
			}
		}
		if (cur != HS_JSON_NONE)
			cur = step(d, cur, buf, k);
	}
	if (buf != small)
		free(buf);
	return cur;
}

/* Step by the quoted JSON string at *pp (a key); advance *pp past it. */
static uint32_t step_quoted(const struct hs_json_doc *d, uint32_t cur,
                            const char **pp)
{
	const char *p = *pp, *q = p + 1;
	struct hs_json_doc kd;
	struct hs_buf key = HS_BUF_INIT;
	uint32_t r = HS_JSON_NONE;

	while (*q && *q != '"')
		q += *q == '\\' && q[1] ? 2 : 1;
	if (*q != '"')
		return HS_JSON_NONE;
	*pp = q + 1;
	if (!memchr(p + 1, '\\', (size_t)(q - p - 1)))
		return step(d, cur, p + 1, (size_t)(q - p - 1));
	hs_json_doc_init(&kd);
	if (hs_json_parse(&kd, p, (size_t)(q + 1 - p)) == 0) {
		hs_json_str_decode(&kd, 0, &key);
		if (cur < d->n && d->nodes[cur].type == HS_JSON_OBJECT)
			r = hs_json_obj_get(d, cur, key.data, key.len);
	}
	hs_buf_release(&key);
	hs_json_doc_release(&kd);
	return r;
}

uint32_t hs_json_path(const struct hs_json_doc *d, uint32_t root,
                      const char *path)
{
	const char *p = path;
	uint32_t cur = root;
	int name = 1; /* after '.', a name may follow */

	if (root >= d->n || *p++ != '.')
		return HS_JSON_NONE;
	while (*p && cur != HS_JSON_NONE) {
		if (*p == '[') {
			p++;
			if (*p == '"') {
				if (cur < d->n &&
				    d->nodes[cur].type != HS_JSON_OBJECT)
					return HS_JSON_NONE;
				cur = step_quoted(d, cur, &p);
			} else {
				long long v = 0;
				int neg = *p == '-', nd = 0;

				p += neg;
				for (; isdig((unsigned char)*p) && nd < 11;
				     nd++)
					v = v * 10 + (*p++ - '0');
				if (!nd || isdig((unsigned char)*p) ||
				    cur >= d->n ||
				    d->nodes[cur].type != HS_JSON_ARRAY)
					return HS_JSON_NONE;
				/* jq: a negative index counts from the end */
				if (neg)
					v = (long long)d->nodes[cur].count - v;
				if (v < 0 || v > UINT32_MAX)
					return HS_JSON_NONE;
				cur = hs_json_arr_at(d, cur, (uint32_t)v);
			}
			if (*p++ != ']')
				return HS_JSON_NONE;
			name = 0;
		} else if (name && *p == '"') {
			cur = step_quoted(d, cur, &p);
			name = 0;
		} else if (name) {
			const char *st = p;

			if (!(*p == '_' ||
			      ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')))
				return HS_JSON_NONE;
			while (*p == '_' || isdig((unsigned char)*p) ||
			       ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
				p++;
			if (cur >= d->n || d->nodes[cur].type != HS_JSON_OBJECT)
				return HS_JSON_NONE;
			cur = hs_json_obj_get(d, cur, st, (size_t)(p - st));
			name = 0;
		} else if (*p == '.') {
			p++;
			name = 1;
			if (!*p)
				return HS_JSON_NONE; /* ".a." */
		} else {
			return HS_JSON_NONE;
		}
	}
	return cur;
}

double hs_json_num(const struct hs_json_doc *d, uint32_t i)
{
	const struct hs_json_node *nd = &d->nodes[i];
	char small[64], *buf = small;
	double v;

	if (nd->len >= sizeof(small))
		buf = hs_xmalloc(nd->len + 1);
	memcpy(buf, d->text + nd->off, nd->len);
	buf[nd->len] = '\0';
	v = strtod(buf, NULL);
	if (buf != small)
		free(buf);
	return v;
}

int hs_json_int64(const struct hs_json_doc *d, uint32_t i, int64_t *out)
{
	const struct hs_json_node *nd = &d->nodes[i];
	const char *s = d->text + nd->off;
	struct hs_num_dec v;
	uint64_t mag = 0, lim;
	int rc = -1;

	if (nd->type != HS_JSON_NUMBER)
		return -1;
	if (hs_num_dec_parse(&v, s, nd->len) < 0)
		return -1;
	lim = v.neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (v.ndigits == 0) {
		*out = 0;
		rc = 0;
	} else if (v.exp >= (int64_t)v.ndigits && v.exp <= 19) {
		rc = 0;
		for (int64_t k = 0; k < v.exp && rc == 0; k++) {
			unsigned dg = k < (int64_t)v.ndigits
			                  ? (unsigned)(v.digits[k] - '0')
			                  : 0;

			if (mag > (lim - dg) / 10)
				rc = -1;
			else
				mag = mag * 10 + dg;
		}
		if (rc == 0)
			*out = v.neg ? (int64_t)(0 - mag) : (int64_t)mag;
	}
	hs_num_dec_release(&v);
	return rc;
}

/* Member k of object obj in d is repeated later (so it does not count). */
static int shadowed(const struct hs_json_doc *d, uint32_t obj, uint32_t k)
{
	for (uint32_t j = d->nodes[k + 1].end; j < d->nodes[obj].end;
	     j = d->nodes[j + 1].end)
		if (str_nodes_eq(d, k, d, j))
			return 1;
	return 0;
}

/* Value of the last member of obj in d keyed like node k of dk. */
static uint32_t find_member(const struct hs_json_doc *d, uint32_t obj,
                            const struct hs_json_doc *dk, uint32_t k)
{
	uint32_t found = HS_JSON_NONE;

	HS_JSON_FOREACH_MEMBER(d, obj, j)
	{
		if (str_nodes_eq(dk, k, d, j))
			found = j + 1;
	}
	return found;
}

static uint32_t unique_keys(const struct hs_json_doc *d, uint32_t obj)
{
	uint32_t u = 0;

	HS_JSON_FOREACH_MEMBER(d, obj, k)
	{
		u += !shadowed(d, obj, k);
	}
	return u;
}

/* Objects with more members than this are compared by sorted keys. */
#define SORT_MEMBERS 16

struct member {
	const struct hs_json_doc *d;
	uint32_t k; /* key node */
};

static int member_cmp(const void *x, const void *y)
{
	const struct member *a = x, *b = y;
	struct scur ca, cb;
	int r;

	scur_node(&ca, a->d, a->k);
	scur_node(&cb, b->d, b->k);
	r = scur_cmp(&ca, &cb);
	if (r)
		return r;
	return a->k < b->k ? -1 : a->k > b->k;
}

/*
 * Keys of obj sorted by decoded value, keeping only the last of equal
 * keys (the one that counts); returns how many are left in *out
 * (caller frees).
 */
static size_t sorted_members(const struct hs_json_doc *d, uint32_t obj,
                             struct member **out)
{
	struct member *m = hs_xmalloc(sizeof(*m) * (d->nodes[obj].count + 1));
	size_t n = 0, u = 0;
	struct scur ca, cb;

	HS_JSON_FOREACH_MEMBER(d, obj, k)
	{
		m[n].d = d;
		m[n++].k = k;
	}
	qsort(m, n, sizeof(*m), member_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n) {
			scur_node(&ca, d, m[i].k);
			scur_node(&cb, d, m[i + 1].k);
			if (scur_eq(&ca, &cb))
				continue; /* a later duplicate follows */
		}
		m[u++] = m[i];
	}
	*out = m;
	return u;
}

struct pair {
	uint32_t a, b;
};

/* Pairs still to compare: a stack that starts on the C stack and moves
 * to the heap when a wide or deep document needs more. */
struct work {
	struct pair *v, small[64];
	size_t n, cap;
};

static void push(struct work *w, uint32_t a, uint32_t b)
{
	if (w->n == w->cap) {
		struct pair *nv = hs_xmalloc(w->cap * 2 * sizeof(*nv));

		memcpy(nv, w->v, w->n * sizeof(*nv));
		if (w->v != w->small)
			free(w->v);
		w->v = nv;
		w->cap *= 2;
	}
	w->v[w->n].a = a;
	w->v[w->n++].b = b;
}

/* Large objects: O(n log n) by merging sorted unique keys. */
static int equal_sorted(const struct hs_json_doc *da, uint32_t x,
                        const struct hs_json_doc *db, uint32_t y,
                        struct work *w)
{
	struct member *ma, *mb;
	size_t na = sorted_members(da, x, &ma), nb = sorted_members(db, y, &mb);
	int r = na == nb;
	struct scur ca, cb;

	for (size_t i = 0; r && i < na; i++) {
		scur_node(&ca, da, ma[i].k);
		scur_node(&cb, db, mb[i].k);
		if (scur_eq(&ca, &cb))
			push(w, ma[i].k + 1, mb[i].k + 1);
		else
			r = 0;
	}
	free(ma);
	free(mb);
	return r;
}

/* Compare the top pair; push the pairs of children to compare later. */
static int equal_step(const struct hs_json_doc *da, uint32_t x,
                      const struct hs_json_doc *db, uint32_t y, struct work *w)
{
	const struct hs_json_node *nx = &da->nodes[x], *ny = &db->nodes[y];
	uint32_t e, f, v;

	if (nx->type != ny->type)
		return 0;
	switch (nx->type) {
	case HS_JSON_NUMBER:
		if (nx->len == ny->len &&
		    !memcmp(da->text + nx->off, db->text + ny->off, nx->len))
			return 1;
		return hs_num_cmp(da->text + nx->off, nx->len,
		                  db->text + ny->off, ny->len) == 0;
	case HS_JSON_STRING:
		return str_nodes_eq(da, x, db, y);
	case HS_JSON_ARRAY:
		if (nx->count != ny->count)
			return 0;
		for (e = x + 1, f = y + 1; e < nx->end;
		     e = da->nodes[e].end, f = db->nodes[f].end)
			push(w, e, f);
		return 1;
	case HS_JSON_OBJECT:
		if (nx->count > SORT_MEMBERS || ny->count > SORT_MEMBERS)
			return equal_sorted(da, x, db, y, w);
		/* Duplicate keys: the last one wins, as in hs_json_obj_get. */
		if (unique_keys(da, x) != unique_keys(db, y))
			return 0;
		HS_JSON_FOREACH_MEMBER(da, x, k)
		{
			if (shadowed(da, x, k))
				continue;
			v = find_member(db, y, da, k);
			if (v == HS_JSON_NONE)
				return 0;
			push(w, k + 1, v);
		}
		return 1;
	default:
		return 1;
	}
}

int hs_json_equal(const struct hs_json_doc *da, uint32_t a,
                  const struct hs_json_doc *db, uint32_t b)
{
	struct work w;
	int r = 1;

	if (a >= da->n || b >= db->n)
		return 0;
	w.v = w.small;
	w.n = 0;
	w.cap = sizeof(w.small) / sizeof(w.small[0]);
	push(&w, a, b);
	while (r && w.n) {
		struct pair pr = w.v[--w.n];

		r = equal_step(da, pr.a, db, pr.b, &w);
	}
	if (w.v != w.small)
		free(w.v);
	return r;
}

/* Bytes hs_json_write_str() escapes: what JSON requires, plus DEL as
 * libjq does, so our output matches jq's for the same string. */
static const unsigned char esc_tab[256] = {
    R16(1), R16(1), ['"'] = 1, ['\\'] = 1, [0x7F] = 1,
};

void hs_json_write_str(struct hs_buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0;

	hs_buf_grow(out, n + 2);
	hs_buf_addc(out, '"');
	for (size_t i = 0; i < n; i++) {
		char e[6] = {'\\', 'u', '0', '0', 0, 0};
		size_t elen = 2;

		if (!esc_tab[p[i]])
			continue;
		hs_buf_add(out, s + run, i - run);
		run = i + 1;
		switch (p[i]) {
		case '"':
		case '\\':
			e[1] = (char)p[i];
			break;
		case '\b':
			e[1] = 'b';
			break;
		case '\f':
			e[1] = 'f';
			break;
		case '\n':
			e[1] = 'n';
			break;
		case '\r':
			e[1] = 'r';
			break;
		case '\t':
			e[1] = 't';
			break;
		default:
			e[4] = hex[p[i] >> 4];
			e[5] = hex[p[i] & 0xF];
			elen = 6;
		}
		hs_buf_add(out, e, elen);
	}
	hs_buf_add(out, s + run, n - run);
	hs_buf_addc(out, '"');
}

#include "banned.h"
