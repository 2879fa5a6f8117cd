/*
 * sha256.h: SHA-256 through OpenSSL's libcrypto (EVP), which uses the
 * CPU's SHA extensions where present.  Content addresses in hs are the
 * lowercase hex SHA-256 of the stored bytes' original form.
 */
#ifndef HS_SHA256_H
#define HS_SHA256_H

#include <stddef.h>

#define HS_SHA256_LEN 32
#define HS_SHA256_HEXLEN 64

/* A running hash.  Opaque; use the functions below. */
struct hs_sha256 {
	void *ctx; /* owned EVP_MD_CTX */
};

/* Start a hash.  Returns 0, or -1 with errbuf set when libcrypto cannot
 * (out of memory, SHA-256 disabled). */
int hs_sha256_init(struct hs_sha256 *h, char *errbuf, size_t errlen);
void hs_sha256_update(struct hs_sha256 *h, const void *p, size_t n);
/* Finish into out[HS_SHA256_LEN] and release the context; h may be
 * initialized again. */
void hs_sha256_final(struct hs_sha256 *h, unsigned char *out);
/* Release without finishing (error paths); safe on a released h. */
void hs_sha256_release(struct hs_sha256 *h);

/* One-shot hash of p[0..n) into out[HS_SHA256_LEN]. Returns 0 or -1. */
int hs_sha256(const void *p, size_t n, unsigned char *out);

/* Lowercase hex of d[0..HS_SHA256_LEN) into hex[HS_SHA256_HEXLEN + 1],
 * NUL-terminated. */
void hs_sha256_hex(const unsigned char *d, char *hex);

/* One-shot hash of p[0..n) as lowercase hex into hex[65]. */
int hs_sha256_hexof(const void *p, size_t n, char *hex);

/* 1 if s[0..n) is exactly 64 lowercase hex digits, else 0. */
int hs_sha256_is_hex(const char *s, size_t n);

#endif
