/*
 * aws.c: AWS credentials, region, endpoint, SigV4 signing of a libcurl
 * handle and the retryable error classes (aws.h).  The shared files are
 * read as the AWS CLI reads them, which is all a client needs of them
 * here: one key of one section.  No request is built here; container and
 * instance credential endpoints are not read (yet).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "aws.h"
#include "buf.h"
#include "err.h"

#include "banned.h"

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	                 e[-1] == '\n'))
		*--e = '\0';
	return s;
}

int hs_aws_ini_get(const char *path, const char *section, const char *key,
                   char **out, char *errbuf, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[2048];
	int in = 0;

	*out = NULL;
	if (f == NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;
		return hs_seterr(errbuf, errlen, "cannot open '%s': %s", path,
		                 strerror(errno));
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *l = trim(line), *eq;

		if (*l == '#' || *l == ';' || *l == '\0')
			continue;
		if (*l == '[') {
			char *e = strchr(l, ']');
			if (e)
				*e = '\0';
			in = strcmp(trim(l + 1), section) == 0;
			continue;
		}
		if (!in || (eq = strchr(l, '=')) == NULL)
			continue;
		*eq = '\0';
		/* the last of repeated keys wins, as in the CLI's parser */
		if (strcmp(trim(l), key) == 0) {
			free(*out);
			*out = hs_xstrdup(trim(eq + 1));
		}
	}
	fclose(f);
	return *out ? 0 : 1;
}

static const char *profile_name(void)
{
	const char *p = getenv("AWS_PROFILE");

	return p && *p ? p : "default";
}

/* path of a shared file: the variable's value, else ~/.aws/name */
static void shared_path(struct hs_buf *b, const char *var, const char *name)
{
	const char *v = getenv(var), *home = getenv("HOME");

	if (v && *v)
		hs_buf_adds(b, v);
	else
		hs_buf_addf(b, "%s/.aws/%s", home ? home : "", name);
}

/* The config file's section of the profile: "[profile NAME]", but the
 * default profile's is "[default]". */
static void config_section(struct hs_buf *b, const char *profile)
{
	if (strcmp(profile, "default") == 0)
		hs_buf_adds(b, "default");
	else
		hs_buf_addf(b, "profile %s", profile);
}

/* The key pair (and token) of section in the file at path: 0 found, 1
 * not (nothing kept), -1 error. */
static int creds_from(struct hs_aws_creds *c, const char *path,
                      const char *section, char *errbuf, size_t errlen)
{
	int r = hs_aws_ini_get(path, section, "aws_access_key_id", &c->keyid,
	                       errbuf, errlen);

	if (r == 0)
		r = hs_aws_ini_get(path, section, "aws_secret_access_key",
		                   &c->secret, errbuf, errlen);
	if (r == 0 && hs_aws_ini_get(path, section, "aws_session_token",
	                             &c->token, errbuf, errlen) < 0)
		r = -1;
	if (r != 0)
		hs_aws_creds_release(c);
	return r;
}

int hs_aws_creds_load(struct hs_aws_creds *c, char *errbuf, size_t errlen)
{
	const char *id = getenv("AWS_ACCESS_KEY_ID");
	const char *secret = getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = getenv("AWS_SESSION_TOKEN");
	const char *profile = profile_name();
	struct hs_buf cred = HS_BUF_INIT, conf = HS_BUF_INIT, sec = HS_BUF_INIT;
	int r;

	memset(c, 0, sizeof(*c));
	if (id && *id && secret && *secret) {
		c->keyid = hs_xstrdup(id);
		c->secret = hs_xstrdup(secret);
		c->token = token && *token ? hs_xstrdup(token) : NULL;
		return 0;
	}
	shared_path(&cred, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
	r = creds_from(c, cred.data, profile, errbuf, errlen);
	if (r > 0) {
		shared_path(&conf, "AWS_CONFIG_FILE", "config");
		config_section(&sec, profile);
		r = creds_from(c, conf.data, sec.data, errbuf, errlen);
	}
	if (r > 0)
		hs_seterr(errbuf, errlen,
		          "no AWS credentials: set AWS_ACCESS_KEY_ID and "
		          "AWS_SECRET_ACCESS_KEY, or profile '%s' in '%s' or "
		          "'%s'",
		          profile, cred.data, conf.data);
	hs_buf_release(&cred);
	hs_buf_release(&conf);
	hs_buf_release(&sec);
	return r == 0 ? 0 : -1;
}

void hs_aws_creds_release(struct hs_aws_creds *c)
{
	free(c->keyid);
	if (c->secret) {
		/* Do not leave the secret in freed memory. */
		memset(c->secret, 0, strlen(c->secret));
		free(c->secret);
	}
	free(c->token);
	memset(c, 0, sizeof(*c));
}

/* Copy field [s, e) into out[0..n); -1 if it does not fit. */
static int field(const char *s, const char *e, char *out, size_t n)
{
	if ((size_t)(e - s) >= n)
		return -1;
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = '\0';
	return 0;
}

int hs_aws_arn_parse(const char *arn, struct hs_aws_arn *a)
{
	char *dst[4] = {a->partition, a->service, a->region, a->account};
	size_t len[4] = {sizeof(a->partition), sizeof(a->service),
	                 sizeof(a->region), sizeof(a->account)};
	const char *p;

	memset(a, 0, sizeof(*a));
	if (strncmp(arn, "arn:", 4) != 0)
		return -1;
	p = arn + 4;
	for (int i = 0; i < 4; i++) {
		const char *e = strchr(p, ':');
		if (e == NULL || field(p, e, dst[i], len[i]) < 0)
			return -1;
		p = e + 1;
	}
	if (!*a->partition || !*a->service || !*p)
		return -1;
	a->resource = p;
	return 0;
}

static int region_ok(const char *r)
{
	if (*r == '\0')
		return 0;
	for (; *r; r++)
		if (!((*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9') ||
		      *r == '-'))
			return 0;
	return 1;
}

int hs_aws_region(const char *given, const char *fallback, char *out,
                  size_t outlen, char *errbuf, size_t errlen)
{
	const char *r = given;
	char *conf = NULL;
	int rc = 0;

	if (r == NULL || *r == '\0')
		r = getenv("AWS_REGION");
	if (r == NULL || *r == '\0')
		r = getenv("AWS_DEFAULT_REGION");
	if (r == NULL || *r == '\0') {
		struct hs_buf path = HS_BUF_INIT, sec = HS_BUF_INIT;

		shared_path(&path, "AWS_CONFIG_FILE", "config");
		config_section(&sec, profile_name());
		if (hs_aws_ini_get(path.data, sec.data, "region", &conf, errbuf,
		                   errlen) < 0)
			rc = -1;
		hs_buf_release(&path);
		hs_buf_release(&sec);
		r = conf;
	}
	if (rc == 0 && (r == NULL || *r == '\0'))
		r = fallback;
	if (rc == 0 && (r == NULL || *r == '\0'))
		rc = hs_seterr(errbuf, errlen,
		               "no AWS region: set AWS_REGION or the "
		               "profile's region");
	else if (rc == 0 && (!region_ok(r) || strlen(r) >= outlen))
		rc = hs_seterr(errbuf, errlen, "bad region '%s'", r);
	else if (rc == 0)
		snprintf(out, outlen, "%s", r);
	free(conf);
	return rc;
}

const char *hs_aws_endpoint_override(const char *given, const char *service)
{
	char var[64];
	const char *v;
	size_t i;

	if (given && *given)
		return given;
	i = (size_t)snprintf(var, sizeof(var), "AWS_ENDPOINT_URL_");
	for (const char *s = service; *s && i + 1 < sizeof(var); s++)
		var[i++] = *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A')
		           : *s == '-'            ? '_'
		                                  : *s;
	var[i] = '\0';
	v = getenv(var);
	if (v && *v)
		return v;
	v = getenv("AWS_ENDPOINT_URL");
	return v && *v ? v : NULL;
}

int hs_aws_endpoint(const char *given, const char *service, const char *region,
                    char **out, char *errbuf, size_t errlen)
{
	const char *e = hs_aws_endpoint_override(given, service);
	struct hs_buf b = HS_BUF_INIT;
	size_t n;

	*out = NULL;
	if (e == NULL) {
		hs_buf_addf(&b, "https://%s.%s.amazonaws.com", service, region);
		*out = hs_buf_detach(&b, NULL);
		return 0;
	}
	if (strncmp(e, "http://", 7) != 0 && strncmp(e, "https://", 8) != 0)
		return hs_seterr(errbuf, errlen,
		                 "bad endpoint '%s' (http://HOST[:PORT] or "
		                 "https://...)",
		                 e);
	n = strlen(e);
	while (n > 0 && e[n - 1] == '/')
		n--;
	hs_buf_add(&b, e, n);
	*out = hs_buf_detach(&b, NULL);
	return 0;
}

struct curl_slist *hs_aws_sign(CURL *e, const struct hs_aws_creds *c,
                               const char *region, const char *service,
                               struct curl_slist *hdrs)
{
	char sigv4[128];

	snprintf(sigv4, sizeof(sigv4), "aws:amz:%s:%s", region, service);
	curl_easy_setopt(e, CURLOPT_AWS_SIGV4, sigv4);
	curl_easy_setopt(e, CURLOPT_USERNAME, c->keyid);
	curl_easy_setopt(e, CURLOPT_PASSWORD, c->secret);
	if (c->token) {
		/* libcurl signs every header given, this one included */
		struct hs_buf t = HS_BUF_INIT;
		hs_buf_addf(&t, "X-Amz-Security-Token: %s", c->token);
		hdrs = curl_slist_append(hdrs, t.data);
		memset(t.data, 0, t.len);
		hs_buf_release(&t);
	}
	return hdrs;
}

/* Codes the AWS SDKs retry as throttling (their shared list), plus the
 * per-service spellings hs meets (SQS's RequestThrottled, S3's
 * SlowDown). */
static const char *const throttle_codes[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};

static const char *const transient_codes[] = {
    "RequestTimeout",     "RequestTimeoutException",     "InternalError",
    "InternalFailure",    "InternalServerError",         "InternalException",
    "ServiceUnavailable", "ServiceUnavailableException",
};

static int in_list(const char *code, const char *const *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(code, l[i]) == 0)
			return 1;
	return 0;
}

enum hs_aws_class hs_aws_classify(long status, const char *code)
{
	if (code && *code) {
		if (in_list(code, throttle_codes,
		            sizeof(throttle_codes) / sizeof(throttle_codes[0])))
			return HS_AWS_THROTTLED;
		if (in_list(code, transient_codes,
		            sizeof(transient_codes) /
		                sizeof(transient_codes[0])))
			return HS_AWS_TRANSIENT;
	}
	if (status == 429 || status == 503)
		return HS_AWS_THROTTLED;
	if (status == 408 || status >= 500)
		return HS_AWS_TRANSIENT;
	return HS_AWS_FATAL;
}

enum hs_aws_class hs_aws_classify_curl(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return HS_AWS_TRANSIENT;
	default:
		return HS_AWS_FATAL;
	}
}

void hs_aws_error_code(const char *type, size_t n, char *out, size_t outlen)
{
	const char *s = type, *e = type + n, *p;

	/* "Code:http://internal.amazon.com/..." (the header form) */
	if ((p = memchr(s, ':', n)) != NULL)
		e = p;
	/* "com.amazonaws.events#Code" (the body form) */
	for (p = s; p < e; p++)
		if (*p == '#')
			s = p + 1;
	snprintf(out, outlen, "%.*s", (int)(e - s), s);
}
