/*
 * test-aws: common/aws.c without a network: the shared credentials and
 * config files and their precedence, profiles, regions, endpoints, ARN
 * parsing and the retryable error classes.  Signing is held to a real
 * verifier in tests/cli/hs-fanout (the local AWS receiver).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/check.h"
#include "aws.h"
#include "err.h"

static char dir[] = "/tmp/test-aws.XXXXXX";
static char cred[300], conf[300];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void clear_env(void)
{
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_EVENTS");
	setenv("AWS_SHARED_CREDENTIALS_FILE", cred, 1);
	setenv("AWS_CONFIG_FILE", conf, 1);
}

static void test_creds(void)
{
	struct hs_aws_creds c;
	char err[512];

	clear_env();
	CHECK(hs_aws_creds_load(&c, err, sizeof err) < 0 &&
	          strstr(err, "no AWS credentials"),
	      "no source: an error naming what to set");
	write_file(cred, "# comment\n[default]\naws_access_key_id = AKDEF\n"
	                 "aws_secret_access_key=SDEF\n\n[dev]\n"
	                 "aws_access_key_id=AKDEV\r\n"
	                 "aws_secret_access_key = SDEV \r\n"
	                 "aws_session_token = TDEV\n");
	write_file(conf, "[default]\nregion = eu-west-1\n"
	                 "[profile cfg]\nregion=ap-south-1\n"
	                 "aws_access_key_id=AKCFG\n"
	                 "aws_secret_access_key=SCFG\n"
	                 "[cfg]\naws_access_key_id=WRONG\n");
	CHECK(hs_aws_creds_load(&c, err, sizeof err) == 0 &&
	          !strcmp(c.keyid, "AKDEF") && !strcmp(c.secret, "SDEF") &&
	          c.token == NULL,
	      "default profile of the credentials file");
	hs_aws_creds_release(&c);
	setenv("AWS_PROFILE", "dev", 1);
	CHECK(hs_aws_creds_load(&c, err, sizeof err) == 0 &&
	          !strcmp(c.keyid, "AKDEV") && !strcmp(c.secret, "SDEV") &&
	          c.token && !strcmp(c.token, "TDEV"),
	      "AWS_PROFILE, CRLF and blanks trimmed, session token");
	hs_aws_creds_release(&c);
	setenv("AWS_PROFILE", "cfg", 1);
	CHECK(hs_aws_creds_load(&c, err, sizeof err) == 0 &&
	          !strcmp(c.keyid, "AKCFG") && !strcmp(c.secret, "SCFG"),
	      "config file's [profile NAME] when the credentials file has "
	      "none");
	hs_aws_creds_release(&c);
	setenv("AWS_PROFILE", "none", 1);
	CHECK(hs_aws_creds_load(&c, err, sizeof err) < 0 &&
	          strstr(err, "'none'"),
	      "unknown profile: an error naming it");
	setenv("AWS_ACCESS_KEY_ID", "AKENV", 1);
	CHECK(hs_aws_creds_load(&c, err, sizeof err) < 0,
	      "a key id without a secret is not a source");
	setenv("AWS_SECRET_ACCESS_KEY", "SENV", 1);
	setenv("AWS_SESSION_TOKEN", "TENV", 1);
	CHECK(hs_aws_creds_load(&c, err, sizeof err) == 0 &&
	          !strcmp(c.keyid, "AKENV") && !strcmp(c.token, "TENV"),
	      "the environment wins over every file");
	hs_aws_creds_release(&c);
	CHECK(c.keyid == NULL && c.secret == NULL,
	      "release leaves nothing behind");
}

static void test_region(void)
{
	char r[64], err[512];

	clear_env();
	CHECK(hs_aws_region(NULL, NULL, r, sizeof r, err, sizeof err) == 0 &&
	          !strcmp(r, "eu-west-1"),
	      "region from the config file's default profile");
	setenv("AWS_PROFILE", "cfg", 1);
	CHECK(hs_aws_region("", NULL, r, sizeof r, err, sizeof err) == 0 &&
	          !strcmp(r, "ap-south-1"),
	      "region from the profile's section");
	setenv("AWS_DEFAULT_REGION", "us-west-1", 1);
	CHECK(hs_aws_region(NULL, NULL, r, sizeof r, err, sizeof err) == 0 &&
	          !strcmp(r, "us-west-1"),
	      "AWS_DEFAULT_REGION over the config file");
	setenv("AWS_REGION", "us-west-2", 1);
	CHECK(hs_aws_region(NULL, NULL, r, sizeof r, err, sizeof err) == 0 &&
	          !strcmp(r, "us-west-2"),
	      "AWS_REGION over AWS_DEFAULT_REGION");
	CHECK(hs_aws_region("eu-central-1", NULL, r, sizeof r, err,
	                    sizeof err) == 0 &&
	          !strcmp(r, "eu-central-1"),
	      "an ARN's region over the environment");
	CHECK(hs_aws_region("Bad/region", NULL, r, sizeof r, err, sizeof err) <
	              0 &&
	          strstr(err, "bad region"),
	      "a bad region refused");
	clear_env();
	setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
	CHECK(hs_aws_region(NULL, NULL, r, sizeof r, err, sizeof err) < 0,
	      "no region anywhere: an error");
	CHECK(hs_aws_region(NULL, "us-east-1", r, sizeof r, err, sizeof err) ==
	              0 &&
	          !strcmp(r, "us-east-1"),
	      "the caller's fallback");
}

static void test_endpoint(void)
{
	char *e = NULL, err[512];

	clear_env();
	CHECK(hs_aws_endpoint(NULL, "events", "eu-west-1", &e, err,
	                      sizeof err) == 0 &&
	          !strcmp(e, "https://events.eu-west-1.amazonaws.com"),
	      "AWS's own endpoint");
	free(e);
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566/", 1);
	CHECK(hs_aws_endpoint(NULL, "events", "eu-west-1", &e, err,
	                      sizeof err) == 0 &&
	          !strcmp(e, "http://127.0.0.1:4566"),
	      "AWS_ENDPOINT_URL, trailing slash dropped");
	free(e);
	setenv("AWS_ENDPOINT_URL_EVENTS", "http://127.0.0.1:1", 1);
	CHECK(!strcmp(hs_aws_endpoint_override(NULL, "events"),
	              "http://127.0.0.1:1") &&
	          !strcmp(hs_aws_endpoint_override(NULL, "s3"),
	                  "http://127.0.0.1:4566/"),
	      "AWS_ENDPOINT_URL_<SERVICE> over AWS_ENDPOINT_URL");
	CHECK(!strcmp(hs_aws_endpoint_override("http://x:2", "events"),
	              "http://x:2"),
	      "the option over the environment");
	CHECK(hs_aws_endpoint("ftp://x", "events", "eu-west-1", &e, err,
	                      sizeof err) < 0 &&
	          e == NULL && strstr(err, "bad endpoint"),
	      "an endpoint that is not http(s) refused");
	clear_env();
	CHECK(hs_aws_endpoint_override(NULL, "s3") == NULL,
	      "no override without one");
}

static void test_arn(void)
{
	struct hs_aws_arn a;

	CHECK(hs_aws_arn_parse("arn:aws:events:eu-west-1:123456789012:"
	                       "event-bus/orders",
	                       &a) == 0 &&
	          !strcmp(a.partition, "aws") && !strcmp(a.service, "events") &&
	          !strcmp(a.region, "eu-west-1") &&
	          !strcmp(a.account, "123456789012") &&
	          !strcmp(a.resource, "event-bus/orders"),
	      "an event bus ARN in pieces");
	CHECK(hs_aws_arn_parse("arn:aws:sqs:us-east-1:1:q:x", &a) == 0 &&
	          !strcmp(a.resource, "q:x"),
	      "a resource keeps its colons");
	CHECK(hs_aws_arn_parse("arn:aws:s3:::bucket", &a) == 0 &&
	          a.region[0] == '\0' && !strcmp(a.resource, "bucket"),
	      "an ARN without region or account");
	CHECK(hs_aws_arn_parse("arn:aws:events:eu-west-1", &a) < 0,
	      "too few fields refused");
	CHECK(hs_aws_arn_parse("urn:aws:events:r:1:x", &a) < 0,
	      "not an ARN refused");
	CHECK(hs_aws_arn_parse("arn:aws:events:r:1:", &a) < 0,
	      "an empty resource refused");
}

static void test_classify(void)
{
	char code[64];
	const char *t = "com.amazonaws.events#ThrottlingException";

	CHECK(hs_aws_classify(400, "ThrottlingException") == HS_AWS_THROTTLED,
	      "ThrottlingException throttles");
	CHECK(hs_aws_classify(400, "RequestThrottled") == HS_AWS_THROTTLED,
	      "SQS's RequestThrottled throttles");
	CHECK(hs_aws_classify(429, NULL) == HS_AWS_THROTTLED &&
	          hs_aws_classify(503, "") == HS_AWS_THROTTLED,
	      "HTTP 429 and 503 throttle");
	CHECK(hs_aws_classify(500, "InternalFailure") == HS_AWS_TRANSIENT &&
	          hs_aws_classify(0, "InternalFailure") == HS_AWS_TRANSIENT &&
	          hs_aws_classify(502, NULL) == HS_AWS_TRANSIENT,
	      "internal failures and other 5xx are transient");
	CHECK(hs_aws_classify(400, "AccessDeniedException") == HS_AWS_FATAL &&
	          hs_aws_classify(400, "ResourceNotFoundException") ==
	              HS_AWS_FATAL &&
	          hs_aws_classify(403, "InvalidSignatureException") ==
	              HS_AWS_FATAL &&
	          hs_aws_classify(0, "ValidationException") == HS_AWS_FATAL,
	      "access, missing bus, signature, validation are fatal");
	CHECK(hs_aws_classify_curl(CURLE_COULDNT_CONNECT) == HS_AWS_TRANSIENT &&
	          hs_aws_classify_curl(CURLE_URL_MALFORMAT) == HS_AWS_FATAL,
	      "curl failures");
	hs_aws_error_code(t, strlen(t), code, sizeof code);
	CHECK(!strcmp(code, "ThrottlingException"), "__type namespace cut");
	t = "AccessDeniedException:http://internal.amazon.com/coral/";
	hs_aws_error_code(t, strlen(t), code, sizeof code);
	CHECK(!strcmp(code, "AccessDeniedException"),
	      "x-amzn-ErrorType form cut");
}

int main(void)
{
	hs_prog_set("test-aws");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(cred, sizeof cred, "%s/credentials", dir);
	snprintf(conf, sizeof conf, "%s/config", dir);
	test_creds();
	test_region();
	test_endpoint();
	test_arn();
	test_classify();
	unlink(cred);
	unlink(conf);
	rmdir(dir);
	return check_done();
}
