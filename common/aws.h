/*
 * aws.h: what every AWS client in hs shares: credentials (environment,
 * shared credentials and config files), the region (an ARN's, the
 * environment's or the config file's), the endpoint (an override, the
 * environment's, or AWS's own host), signing a libcurl handle with SigV4
 * (CURLOPT_AWS_SIGV4 plus the session token header) and the retryable
 * error classes.  The S3 store (store-s3.c) and hs-fanout's AWS targets
 * use it.  It owns no request, body or protocol: each client builds and
 * reads its own (XML for S3, JSON 1.1 for EventBridge, ...).  Container
 * and instance credential endpoints are not read yet.
 */
#ifndef HS_AWS_H
#define HS_AWS_H

#include <stddef.h>

#include <curl/curl.h>

/* A key pair and an optional session token, all owned. */
struct hs_aws_creds {
	char *keyid, *secret, *token;
};

/*
 * Find credentials as the AWS CLI does, first source wins:
 * AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN);
 * the profile (AWS_PROFILE, else "default") of the shared credentials
 * file (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials); the same
 * profile of the config file (AWS_CONFIG_FILE, else ~/.aws/config,
 * section "[profile NAME]" or "[default]").  Returns 0 with c filled
 * (release with hs_aws_creds_release()), or -1 with errbuf set.
 */
int hs_aws_creds_load(struct hs_aws_creds *c, char *errbuf, size_t errlen);
/* Free c's strings (the secret wiped first); c may be all NULL. */
void hs_aws_creds_release(struct hs_aws_creds *c);

/*
 * The value of key in section of the INI-style file at path (AWS's
 * shared files: "[section]", "key = value", '#' and ';' comments), as a
 * new string in *out (caller frees).  Returns 0 when found, 1 when the
 * file, section or key is absent, -1 on a read error with errbuf set.
 */
int hs_aws_ini_get(const char *path, const char *section, const char *key,
                   char **out, char *errbuf, size_t errlen);

/* The pieces of "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE". */
struct hs_aws_arn {
	char partition[32], service[32], region[32], account[16];
	const char *resource; /* points into the parsed string */
};

/* Parse arn into a (its resource points into arn).  Returns 0 or -1. */
int hs_aws_arn_parse(const char *arn, struct hs_aws_arn *a);

/*
 * The region into out[0..outlen): given (an option or an ARN's, when not
 * NULL or empty), else AWS_REGION, else AWS_DEFAULT_REGION, else the
 * config file's "region" of the profile, else fallback (NULL: none).
 * Returns 0, or -1 with errbuf set (none found, or not a region name).
 */
int hs_aws_region(const char *given, const char *fallback, char *out,
                  size_t outlen, char *errbuf, size_t errlen);

/*
 * The endpoint override for service ("s3", "events"): given (an option,
 * when not NULL or empty), else AWS_ENDPOINT_URL_<SERVICE> (upper case),
 * else AWS_ENDPOINT_URL; NULL when there is none.  Not copied: the
 * string lives as long as given or the environment.
 */
const char *hs_aws_endpoint_override(const char *given, const char *service);

/*
 * The base URL for service in region, with no trailing '/', as a new
 * string in *out (caller frees): the override (hs_aws_endpoint_override)
 * when there is one, else https://SERVICE.REGION.amazonaws.com.  Returns
 * 0, or -1 with errbuf set (an override that is not http(s)://...).
 */
int hs_aws_endpoint(const char *given, const char *service, const char *region,
                    char **out, char *errbuf, size_t errlen);

/*
 * Sign requests of e with SigV4 for region and service: sets
 * CURLOPT_AWS_SIGV4 ("aws:amz:REGION:SERVICE"), the key pair as user
 * name and password, and appends "X-Amz-Security-Token" to hdrs when c
 * has a token.  c must outlive the requests.  Do not add an empty
 * "Expect:" to such a request: libcurl signs the header it then does not
 * send, and the service's signature differs.  Returns the new header
 * list (set it as CURLOPT_HTTPHEADER; the caller frees it).
 */
struct curl_slist *hs_aws_sign(CURL *e, const struct hs_aws_creds *c,
                               const char *region, const char *service,
                               struct curl_slist *hdrs);

/* What an AWS error means for a retry. */
enum hs_aws_class {
	HS_AWS_FATAL,     /* cannot succeed: access, validation, no such */
	HS_AWS_THROTTLED, /* slow down, then retry */
	HS_AWS_TRANSIENT  /* a service or network failure: retry */
};

/*
 * The class of an answer with HTTP status (0: none came) and error code
 * (the service's ErrorCode or "__type" without its namespace, NULL or ""
 * when none): throttling codes (ThrottlingException, RequestThrottled,
 * SlowDown, ...) and HTTP 429 and 503 throttle; other 5xx, 408 and
 * internal errors are transient; everything else is fatal.
 */
enum hs_aws_class hs_aws_classify(long status, const char *code);
/* The class of a libcurl failure: transient for connection and timeout
 * errors, fatal otherwise. */
enum hs_aws_class hs_aws_classify_curl(CURLcode c);

/*
 * An error code from a JSON protocol "__type" value ("ns#Code" or
 * "Code"), or a "x-amzn-ErrorType" header value ("Code:http://..."),
 * into out[0..outlen).
 */
void hs_aws_error_code(const char *type, size_t n, char *out, size_t outlen);

#endif
