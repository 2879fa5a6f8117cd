/*
 * casefold.c: simple case folding over the generated table.  ASCII is
 * folded inline; other code points cost a binary search over the 1,456
 * rows of casefold-table.h.
 */
#include <stddef.h>
#include <stdint.h>

#include "casefold.h"
#include "casefold-table.h"
#include "json.h"
#include "banned.h"

uint32_t hs_casefold_cp(uint32_t c)
{
	size_t lo = 0, hi = sizeof fold_map / sizeof fold_map[0];

	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? c + 32 : c;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (fold_map[mid][0] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sizeof fold_map / sizeof fold_map[0] && fold_map[lo][0] == c
	           ? fold_map[lo][1]
	           : c;
}

/* Decode the well-formed sequence at s (k bytes long, 2..4). */
static uint32_t decode(const unsigned char *s, size_t k)
{
	uint32_t c = s[0] & (0x7f >> k);

	for (size_t i = 1; i < k; i++)
		c = c << 6 | (s[i] & 0x3f);
	return c;
}

/* Length of the sequence a lead byte announces if the continuation
 * bytes are there (the parser has validated event text; this only keeps
 * arbitrary input from being read past its end), else 0. */
static size_t seq_len(const unsigned char *s, size_t left)
{
	size_t k = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;

	if (!k || k > left || s[0] > 0xf4)
		return 0;
	for (size_t i = 1; i < k; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return k;
}

size_t hs_casefold_utf8(const char *in, size_t n, char *out)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k;

		if (c < 0x80) {
			out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			i++;
			continue;
		}
		k = seq_len(s + i, n - i);
		if (!k) {
			out[o++] = (char)c;
			i++;
			continue;
		}
		o += hs_utf8_put(hs_casefold_cp(decode(s + i, k)), out + o);
		i += k;
	}
	return o;
}
