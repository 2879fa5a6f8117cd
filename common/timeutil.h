/*
 * timeutil.h: RFC 3339 timestamps and epoch milliseconds, without the
 * banned gmtime()/localtime().
 */
#ifndef HS_TIMEUTIL_H
#define HS_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Current wall-clock time in epoch milliseconds. */
int64_t hs_time_now_ms(void);

/* Format epoch milliseconds as "2026-11-26T03:04:05.678Z" into buf
 * (at least 32 bytes).  Returns buf. */
char *hs_time_format_ms(int64_t ms, char *buf, size_t len);

/*
 * Parse s[0..n) as RFC 3339 ("2026-11-26T03:04:05Z", fraction and offset
 * allowed, 't'/'z' and a space separator accepted) into epoch
 * milliseconds.  Returns 0, or -1.
 */
int hs_time_parse_rfc3339(const char *s, size_t n, int64_t *ms);

/* Break epoch milliseconds down into a UTC struct tm (fields only;
 * tm_wday and tm_yday set too). */
struct tm;
void hs_time_utc_tm(int64_t ms, struct tm *tm);

/* Parse RFC 3339 or a plain integer of epoch milliseconds. */
int hs_time_parse(const char *s, size_t n, int64_t *ms);

#endif
