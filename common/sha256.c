/*
 * sha256.c: SHA-256 and its lowercase hex form through OpenSSL's EVP
 * interface (sha256.h), for content addresses.
 */
#include <openssl/evp.h>
#include <string.h>

#include "err.h"
#include "sha256.h"

#include "banned.h"

int hs_sha256_init(struct hs_sha256 *h, char *errbuf, size_t errlen)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	h->ctx = NULL;
	if (c == NULL)
		return hs_seterr(errbuf, errlen, "sha-256: out of memory");
	if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(c);
		return hs_seterr(errbuf, errlen, "cannot start sha-256");
	}
	h->ctx = c;
	return 0;
}

void hs_sha256_update(struct hs_sha256 *h, const void *p, size_t n)
{
	/* EVP_DigestUpdate on a valid SHA-256 context does not fail. */
	if (n)
		EVP_DigestUpdate(h->ctx, p, n);
}

void hs_sha256_final(struct hs_sha256 *h, unsigned char *out)
{
	unsigned int n = 0;

	EVP_DigestFinal_ex(h->ctx, out, &n);
	hs_sha256_release(h);
}

void hs_sha256_release(struct hs_sha256 *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

int hs_sha256(const void *p, size_t n, unsigned char *out)
{
	unsigned int len = 0;

	return EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) == 1 ? 0 : -1;
}

void hs_sha256_hex(const unsigned char *d, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < HS_SHA256_LEN; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[HS_SHA256_HEXLEN] = '\0';
}

int hs_sha256_hexof(const void *p, size_t n, char *hex)
{
	unsigned char d[HS_SHA256_LEN];

	if (hs_sha256(p, n, d) < 0)
		return -1;
	hs_sha256_hex(d, hex);
	return 0;
}

int hs_sha256_is_hex(const char *s, size_t n)
{
	if (n != HS_SHA256_HEXLEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}
