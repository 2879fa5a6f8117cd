/*
 * test-store: store names and keys, and the file: store's put, get,
 * exists, delete and list on a scratch directory.  (The S3 side runs
 * against the local server in tests/cli/hs-claimcheck.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../unit/check.h"
#include "buf.h"
#include "err.h"
#include "sha256.h"
#include "store.h"

static int count_cb(void *ctx, const char *key, uint64_t size, time_t mtime)
{
	(*(int *)ctx)++;
	return 0;
}

int main(void)
{
	char canon[256], err[512], dir[] = "/tmp/test-store.XXXXXX", uri[300],
	                           path[300];
	char hex[65];
	struct hs_buf b = HS_BUF_INIT;
	struct hs_store *s;
	int existed = -1, n = 0;

	hs_prog_set("test-store");
	CHECK(hs_store_key_ok("abc.zst", 7), "plain key accepted");
	CHECK(!hs_store_key_ok("../x", 4), "'..' refused");
	CHECK(!hs_store_key_ok("/etc/passwd", 11), "absolute path refused");
	CHECK(!hs_store_key_ok("a/b", 3), "slash refused");
	CHECK(!hs_store_key_ok(".hidden", 7), "leading dot refused");
	CHECK(!hs_store_key_ok("", 0), "empty key refused");
	CHECK(!hs_store_key_ok("a\0b", 3), "NUL refused");

	CHECK(hs_store_canon("s3://bkt//p/q//", canon, sizeof(canon)) == 0 &&
	          strcmp(canon, "s3://bkt/p/q") == 0,
	      "s3 canon strips slashes: %s", canon);
	CHECK(hs_store_canon("s3://bkt", canon, sizeof(canon)) == 0 &&
	          strcmp(canon, "s3://bkt") == 0,
	      "bucket alone");
	CHECK(hs_store_canon("s3://bkt/a/../b", canon, sizeof(canon)) < 0,
	      "'..' in a prefix refused");
	CHECK(hs_store_canon("s3://B_K", canon, sizeof(canon)) < 0,
	      "bad bucket name refused");
	CHECK(hs_store_canon("file:///etc/", canon, sizeof(canon)) == 0 &&
	          strcmp(canon, "file:///etc") == 0,
	      "file canon: %s", canon);
	CHECK(hs_store_canon("http://x", canon, sizeof(canon)) < 0,
	      "other schemes refused");

	CHECK(hs_sha256_hexof("abc", 3, hex) == 0 &&
	          strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9c"
	                      "b410ff61f20015ad") == 0,
	      "sha-256 of abc");
	CHECK(hs_sha256_is_hex(hex, 64) && !hs_sha256_is_hex("AB", 2),
	      "hex check");

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(uri, sizeof(uri), "file:%s/", dir);
	s = hs_store_open(uri, NULL, err, sizeof(err));
	CHECK(s != NULL, "open file store");
	if (s == NULL)
		return check_done();
	CHECK(hs_store_kind(s) == HS_STORE_FILE, "kind");
	CHECK(strcmp(hs_store_uri(s) + 5, dir) == 0, "uri loses the slash");
	CHECK(hs_store_exists(s, "abcdef", err, sizeof(err)) ==
	          HS_STORE_NOTFOUND,
	      "absent object");
	CHECK(hs_store_get(s, "abcdef", &b, err, sizeof(err)) ==
	          HS_STORE_NOTFOUND,
	      "get absent: not found");
	CHECK(hs_store_put(s, "abcdef", "hello", 5, &existed, err,
	                   sizeof(err)) == 0 &&
	          existed == 0,
	      "put");
	snprintf(uri, sizeof(uri), "%s/ab/cd/abcdef", dir);
	struct stat st;
	CHECK(stat(uri, &st) == 0 && st.st_size == 5, "fan-out path");
	CHECK(hs_store_put(s, "abcdef", "other", 5, &existed, err,
	                   sizeof(err)) == 0 &&
	          existed == 1,
	      "second put skipped");
	CHECK(hs_store_get(s, "abcdef", &b, err, sizeof(err)) == 0 &&
	          b.len == 5 && memcmp(b.data, "hello", 5) == 0,
	      "get returns the first bytes");
	CHECK(hs_store_put(s, "../x", "x", 1, NULL, err, sizeof(err)) ==
	          HS_STORE_ERR,
	      "put with a bad key refused");
	CHECK(hs_store_get(s, "/etc/passwd", &b, err, sizeof(err)) ==
	          HS_STORE_ERR,
	      "get with a bad key refused");
	CHECK(hs_store_put(s, "xy", "x", 1, NULL, err, sizeof(err)) == 0,
	      "short key");
	CHECK(hs_store_list(s, count_cb, &n, err, sizeof(err)) == 0 && n == 2,
	      "list sees 2 objects (%d)", n);
	CHECK(hs_store_delete(s, "abcdef", err, sizeof(err)) == 0 &&
	          hs_store_exists(s, "abcdef", err, sizeof(err)) ==
	              HS_STORE_NOTFOUND,
	      "delete");
	CHECK(hs_store_delete(s, "abcdef", err, sizeof(err)) == 0,
	      "delete twice is fine");
	hs_store_delete(s, "xy", err, sizeof(err));
	hs_store_free(s);

	snprintf(uri, sizeof(uri), "file:%s/missing", dir);
	s = hs_store_open(uri, NULL, err, sizeof(err));
	CHECK(s == NULL && strstr(err, "missing': No such file") != NULL,
	      "a missing store directory is refused at open: %s", err);
	snprintf(path, sizeof(path), "%s/missing", dir);
	CHECK(mkdir(path, 0755) == 0, "mkdir %s", path);
	s = hs_store_open(uri, NULL, err, sizeof(err));
	CHECK(s && rmdir(path) == 0 &&
	          hs_store_put(s, "abcd", "x", 1, NULL, err, sizeof(err)) ==
	              HS_STORE_ERR &&
	          access(path, F_OK) < 0,
	      "a store directory gone after open is not created again");
	hs_store_free(s);

	unsetenv("AWS_ACCESS_KEY_ID");
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/creds", 1);
	s = hs_store_open("s3://bucket/p", NULL, err, sizeof(err));
	CHECK(s == NULL && strstr(err, "no AWS credentials") != NULL,
	      "no credentials: %s", err);

	hs_buf_release(&b);
	snprintf(uri, sizeof(uri), "rm -rf '%s'", dir);
	if (system(uri) != 0)
		return 1;
	return check_done();
}
