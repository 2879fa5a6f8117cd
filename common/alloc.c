/*
 * alloc.c: the allocation wrappers (alloc.h), the only code in common/
 * that ends the process: on out-of-memory it prints one message and exits
 * with HS_EXIT_IO.  Everything else in common/ returns errors.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "err.h"
#include "exit.h"
#include "banned.h"

static void oom(size_t n)
{
	fprintf(stderr, "%s: out of memory (allocating %zu bytes)\n", hs_prog(),
	        n);
	exit(HS_EXIT_IO);
}

void *hs_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom(n);
	return p;
}

void *hs_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		oom(nmemb * size);
	return p;
}

void *hs_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom(n);
	return q;
}

void *hs_xgrow(void *p, size_t size, size_t need, size_t *cap)
{
	size_t c = *cap ? *cap : 8;

	if (need <= *cap)
		return p;
	while (c < need) {
		if (c > SIZE_MAX / 2 / size)
			oom(SIZE_MAX);
		c *= 2;
	}
	*cap = c;
	return hs_xrealloc(p, c * size);
}

char *hs_xstrdup(const char *s)
{
	return hs_xmemdup(s, strlen(s) + 1);
}

char *hs_xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = hs_xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void *hs_xmemdup(const void *p, size_t n)
{
	void *q = hs_xmalloc(n);

	memcpy(q, p, n);
	return q;
}
