/*
 * err.h: the program name and the one way messages reach stderr.
 * Messages follow git's grammar: "hs-tool: what went wrong", lowercase,
 * no full stop; per record "hs-tool: <stdin>:42: ...".
 */
#ifndef HS_ERR_H
#define HS_ERR_H

#include <stdarg.h>

/* Set once at the top of main(); messages use it, never argv[0]. */
void hs_prog_set(const char *name);
const char *hs_prog(void);

/* "PROG: MESSAGE\n" on stderr. */
void hs_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hs_verr(const char *fmt, va_list ap);
/* Like hs_err(), with ": strerror(errno)" appended. */
void hs_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* snprintf into errbuf when errbuf is not NULL; returns -1 so library code
 * can write "return hs_seterr(errbuf, errlen, ...)". */
int hs_seterr(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
