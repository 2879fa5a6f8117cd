/*
 * fuzz-json.c: hs_json_parse() on arbitrary bytes.  A failed parse must
 * leave a located error and no nodes; a successful one must produce a
 * consistent tape: every node inside the text and inside its parent,
 * end indexes that skip exactly the subtree, counts that match a re-walk,
 * strings that decode to valid UTF-8 and survive hs_json_write_str(), and
 * a document equal to itself.  Any broken invariant aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "num.h"

#define REQUIRE(c)                                                          \
	do {                                                                \
		if (!(c)) {                                                 \
			fprintf(stderr, "fuzz-json: %s:%d: %s\n", __FILE__, \
			        __LINE__, #c);                              \
			abort();                                            \
		}                                                           \
	} while (0)

static void check_string(const struct hs_json_doc *d, uint32_t i,
                         struct hs_buf *b, struct hs_buf *w)
{
	const struct hs_json_node *nd = &d->nodes[i];
	struct hs_json_doc back;
	const char *p;
	size_t n;

	REQUIRE(nd->len >= 2 && d->text[nd->off] == '"' &&
	        d->text[nd->off + nd->len - 1] == '"');
	hs_buf_reset(b);
	REQUIRE(hs_json_str_decode(d, i, b) == 0);
	REQUIRE(b->len <= nd->len - 2);
	REQUIRE(hs_utf8_valid(b->data, b->len, NULL));
	REQUIRE(hs_json_str_eq(d, i, b->data, b->len));
	if (hs_json_str_plain(d, i, &p, &n))
		REQUIRE(n == b->len && !memcmp(p, b->data, n));
	else
		REQUIRE(nd->flags & HS_JSON_F_ESCAPED);

	/* What we write reads back as the same string. */
	hs_buf_reset(w);
	hs_json_write_str(w, b->data, b->len);
	hs_json_doc_init(&back);
	REQUIRE(hs_json_parse(&back, w->data, w->len) == 0);
	REQUIRE(back.n == 1 && hs_json_equal(&back, 0, d, i) == 1);
	hs_json_doc_release(&back);
}

static void check_tape(const struct hs_json_doc *d, size_t size)
{
	struct hs_buf b = HS_BUF_INIT, w = HS_BUF_INIT;

	REQUIRE(d->n >= 1 && d->nodes[0].end == d->n && d->nodes[0].depth == 0);
	for (uint32_t i = 0; i < d->n; i++) {
		const struct hs_json_node *nd = &d->nodes[i];
		uint32_t kids = 0;

		REQUIRE((size_t)nd->off + nd->len <= size && nd->len > 0);
		REQUIRE(nd->end > i && nd->end <= d->n);
		REQUIRE(nd->type <= HS_JSON_OBJECT);
		switch (nd->type) {
		case HS_JSON_ARRAY:
		case HS_JSON_OBJECT:
			for (uint32_t c = i + 1; c < nd->end;
			     c = d->nodes[c].end) {
				const struct hs_json_node *cn = &d->nodes[c];

				/* children: inside the brackets, one level down */
				REQUIRE(cn->off > nd->off &&
				        cn->off + cn->len < nd->off + nd->len);
				REQUIRE(cn->depth == nd->depth + 1);
				REQUIRE(cn->end <= nd->end);
				if (nd->type == HS_JSON_OBJECT && kids % 2 == 0)
					REQUIRE(cn->type == HS_JSON_STRING);
				kids++;
			}
			REQUIRE(kids == (nd->type == HS_JSON_OBJECT
			                     ? 2 * nd->count
			                     : nd->count));
			break;
		case HS_JSON_STRING:
			REQUIRE(nd->end == i + 1);
			check_string(d, i, &b, &w);
			break;
		case HS_JSON_NUMBER:
			REQUIRE(nd->end == i + 1);
			REQUIRE(hs_num_cmp(hs_json_raw(d, i), nd->len,
			                   hs_json_raw(d, i), nd->len) == 0);
			if (!(nd->flags & (HS_JSON_F_FRAC | HS_JSON_F_EXP)))
				REQUIRE(hs_num_is_integer(hs_json_raw(d, i),
				                          nd->len));
			break;
		default:
			REQUIRE(nd->end == i + 1 && nd->len >= 4 &&
			        nd->len <= 5);
		}
		if (i > 0)
			REQUIRE(nd->off > d->nodes[i - 1].off);
	}
	/* A walk from the root over subtrees visits every node once. */
	{
		uint32_t *stack = malloc(sizeof(*stack) * d->n), sp = 0,
		         seen = 0;

		REQUIRE(stack);
		stack[sp++] = 0;
		while (sp) {
			uint32_t x = stack[--sp];

			seen++;
			for (uint32_t c = x + 1; c < d->nodes[x].end;
			     c = d->nodes[c].end)
				stack[sp++] = c;
		}
		REQUIRE(seen == d->n);
		free(stack);
	}
	REQUIRE(hs_json_equal(d, 0, d, 0) == 1);
	hs_buf_release(&b);
	hs_buf_release(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hs_json_doc d;
	size_t bad;

	hs_json_doc_init(&d);
	if (hs_json_parse(&d, (const char *)data, size) == 0) {
		check_tape(&d, size);
		/* A second parse into the same document gives the same tape. */
		uint32_t n = d.n;
		REQUIRE(hs_json_parse(&d, (const char *)data, size) == 0 &&
		        d.n == n);
	} else {
		REQUIRE(d.n == 0 && d.err[0] && d.err_off <= size);
		REQUIRE(d.err_code != HS_JSON_OK);
	}
	/* The parser's UTF-8 rules and hs_utf8_valid() agree on strings. */
	if (size >= 2 && data[0] == '"' && data[size - 1] == '"' &&
	    !memchr(data + 1, '\\', size - 2) &&
	    !memchr(data + 1, '"', size - 2)) {
		int ctl = 0;

		for (size_t i = 1; i + 1 < size; i++)
			ctl |= data[i] < 0x20;
		if (!ctl)
			REQUIRE((hs_json_parse(&d, (const char *)data, size) ==
			         0) == hs_utf8_valid((const char *)data + 1,
			                             size - 2, &bad));
	}
	hs_json_doc_release(&d);
	return 0;
}

#include "banned.h"
