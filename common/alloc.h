/*
 * alloc.h: allocation wrappers.  They are the only functions in common/
 * that end the process: on out-of-memory they print
 * "PROGRAM: out of memory" and exit with HS_EXIT_IO.
 */
#ifndef HS_ALLOC_H
#define HS_ALLOC_H

#include <stddef.h>

void *hs_xmalloc(size_t n);
void *hs_xcalloc(size_t nmemb, size_t size);
void *hs_xrealloc(void *p, size_t n);
/* Grow an array of nmemb elements of size to at least need, doubling. */
void *hs_xgrow(void *p, size_t size, size_t need, size_t *cap);
char *hs_xstrdup(const char *s);
char *hs_xstrndup(const char *s, size_t n);
void *hs_xmemdup(const void *p, size_t n);

#endif
