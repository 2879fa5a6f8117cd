/*
 * err.c: the program name and the one way messages reach stderr (err.h);
 * hs_seterr() fills a caller's errbuf instead, for code that must not
 * print.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "banned.h"

static const char *prog = "hs";

void hs_prog_set(const char *name)
{
	prog = name;
}

const char *hs_prog(void)
{
	return prog;
}

void hs_verr(const char *fmt, va_list ap)
{
	/* One fprintf per message keeps lines whole when tools share stderr. */
	char msg[4096];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "%s: %s\n", prog, msg);
}

void hs_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hs_verr(fmt, ap);
	va_end(ap);
}

void hs_errno(const char *fmt, ...)
{
	int e = errno;
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s: %s\n", prog, msg, strerror(e));
}

int hs_seterr(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errbuf && errlen) {
		va_start(ap, fmt);
		vsnprintf(errbuf, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}
