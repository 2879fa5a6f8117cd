/*
 * uri.c: the shown form of a URI (uri.h): secrets in the userinfo and
 * the query replaced by "***".  No parsing beyond finding those two
 * parts; the URI need not be valid.
 */
#include <string.h>

#include "buf.h"
#include "uri.h"
#include "banned.h"

#define HIDDEN "***"

/* The query q[0..n): each value, or each item without one, hidden. */
static void add_query(struct hs_buf *b, const char *q, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t end = i, eq;

		while (end < n && q[end] != '&')
			end++;
		for (eq = i; eq < end && q[eq] != '='; eq++)
			;
		if (eq < end) {
			hs_buf_add(b, q + i, eq + 1 - i);
			if (eq + 1 < end)
				hs_buf_adds(b, HIDDEN);
		} else if (end > i) {
			hs_buf_adds(b, HIDDEN);
		}
		if (end < n)
			hs_buf_addc(b, '&');
		i = end + 1;
	}
}

char *hs_uri_shown(const char *uri)
{
	struct hs_buf b = HS_BUF_INIT;
	const char *auth = strstr(uri, "://"), *p = uri, *q, *frag;

	if (auth) {
		const char *end, *at = NULL;

		auth += 3;
		end = auth + strcspn(auth, "/?#");
		for (const char *c = auth; c < end; c++)
			if (*c == '@')
				at = c;
		if (at) {
			const char *colon =
			    memchr(auth, ':', (size_t)(at - auth));

			hs_buf_add(&b, uri, (size_t)(auth - uri));
			if (colon)
				hs_buf_add(&b, auth,
				           (size_t)(colon + 1 - auth));
			hs_buf_adds(&b, HIDDEN);
			p = at;
		}
	}
	/* only an HTTP URL's query goes to a server; in file:, exec: and
	 * the other kinds it holds hs's own options */
	q = !strncmp(uri, "http://", 7) || !strncmp(uri, "https://", 8)
	        ? strchr(p, '?')
	        : NULL;
	frag = strchr(p, '#');
	if (q && (!frag || q < frag)) {
		size_t n = frag ? (size_t)(frag - q - 1) : strlen(q + 1);

		hs_buf_add(&b, p, (size_t)(q + 1 - p));
		add_query(&b, q + 1, n);
		p = q + 1 + n;
	}
	hs_buf_adds(&b, p);
	return hs_buf_detach(&b, NULL);
}
