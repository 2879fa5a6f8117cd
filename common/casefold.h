/*
 * casefold.h: Unicode simple case folding for equals-ignore-case.
 *
 * Two strings are equal ignoring case when their folds are equal, the
 * fold of a code point being its simple lower case mapping of its simple
 * upper case mapping, as Java's String.equalsIgnoreCase compares (and so
 * EventBridge).  The table is generated from the C library's Unicode data
 * by scripts/gen-casefold.c.  Folding may change a string's UTF-8 length
 * (U+212A KELVIN SIGN folds to 'k', U+023A to U+2C65).
 */
#ifndef HS_CASEFOLD_H
#define HS_CASEFOLD_H

#include <stddef.h>
#include <stdint.h>

/* Room hs_casefold_utf8() needs for n input bytes: a fold is at most half
 * again as long as its code point (gen-casefold checks it). */
#define HS_CASEFOLD_MAX(n) ((n) + (n) / 2 + 4)

/* The fold of code point c (c itself when it has none). */
uint32_t hs_casefold_cp(uint32_t c);

/*
 * Fold UTF-8 text s[0..n) into out, which has room for
 * HS_CASEFOLD_MAX(n) bytes (out may not overlap s).  Bytes that do not
 * start a valid sequence are copied unchanged.  Returns the bytes
 * written; no NUL is added.
 */
size_t hs_casefold_utf8(const char *s, size_t n, char *out);

#endif
