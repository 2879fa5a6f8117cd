/*
 * format.h: checks for JSON Schema's "format" values, used when formats
 * are assertions (hs-validate --assert-format).  They follow RFC 3339
 * (date-time, date, time, duration), RFC 5321/5322 (email, simplified),
 * RFC 1123 (hostname), RFC 2673/4291 (ipv4, ipv6), RFC 3986 (uri,
 * uri-reference, iri), RFC 4122 (uuid), RFC 6901 (json-pointer),
 * draft-handrews relative-json-pointer and ECMA-262 (regex).
 */
#ifndef HS_FORMAT_H
#define HS_FORMAT_H

#include <stddef.h>

/*
 * Check the decoded string s[0..n) against format name.  Returns 1 when
 * it conforms, 0 when not, -1 when the format is not known (callers
 * treat unknown formats as annotations and pass).
 */
int hs_format_check(const char *name, const char *s, size_t n);

#endif
