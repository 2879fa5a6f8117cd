/* Unit tests for the small common/ modules: buf, base64, timeutil, opts
 * parsers, lineio, out and dlq. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base64.h"
#include "buf.h"
#include "dlq.h"
#include "json.h"
#include "lineio.h"
#include "opts.h"
#include "out.h"
#include "timeutil.h"
#include "check.h"
#include "banned.h"

static void test_buf(void)
{
	struct hs_buf b;

	hs_buf_init(&b);
	CHECK(b.len == 0 && b.data[0] == '\0', "empty buf is an empty string");
	for (int i = 0; i < 1000; i++)
		hs_buf_addf(&b, "%d,", i);
	CHECK(b.len == 3890, "addf grows (len %zu)", b.len);
	CHECK(strncmp(b.data + b.len - 4, "999,", 4) == 0, "addf keeps order");
	CHECK(b.data[b.len] == '\0', "buf stays NUL-terminated");
	hs_buf_reset(&b);
	CHECK(b.len == 0 && b.cap > 0, "reset keeps storage");
	hs_buf_release(&b);
}

/* hs_buf_read_file: contents appended whole, errors say what and where. */
static void test_buf_read_file(void)
{
	struct hs_buf b = HS_BUF_INIT;
	char err[256], path[] = "test-common.XXXXXX";
	int fd = mkstemp(path);
	size_t n = 200000;
	int same = 1;

	CHECK(fd >= 0, "a scratch file");
	for (size_t i = 0; i < n; i++) {
		char c = (char)('a' + i % 26);

		if (write(fd, &c, 1) != 1)
			same = 0;
	}
	close(fd);
	hs_buf_adds(&b, "head:");
	CHECK(hs_buf_read_file(&b, path, err, sizeof err) == 0,
	      "a 200000-byte file reads");
	CHECK(b.len == 5 + n && b.data[b.len] == '\0',
	      "appended whole, NUL-terminated");
	for (size_t i = 0; i < n && same; i++)
		same = b.data[5 + i] == (char)('a' + i % 26);
	CHECK(same && !memcmp(b.data, "head:", 5),
	      "bytes kept in order after what was there");
	unlink(path);
	CHECK(hs_buf_read_file(&b, path, err, sizeof err) < 0 &&
	          strstr(err, "cannot open") && strstr(err, path),
	      "a missing file: 'cannot open' naming it");
	CHECK(hs_buf_read_file(&b, ".", err, sizeof err) < 0 &&
	          strstr(err, "cannot read '.'"),
	      "a directory is refused");
	hs_buf_release(&b);
}

static void test_base64(void)
{
	static const char *const in[] = {"",     "f",     "fo",    "foo",
	                                 "foob", "fooba", "foobar"};
	static const char *const out[] = {
	    "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	struct hs_buf b, d;

	hs_buf_init(&b);
	hs_buf_init(&d);
	for (int i = 0; i < 7; i++) {
		hs_buf_reset(&b);
		hs_base64_add(&b, in[i], strlen(in[i]));
		CHECK(strcmp(b.data, out[i]) == 0, "base64 of '%s' is '%s'",
		      in[i], b.data);
		hs_buf_reset(&d);
		CHECK(hs_base64_decode(&d, b.data, b.len) == 0 &&
		          strcmp(d.data, in[i]) == 0,
		      "base64 round trip '%s'", in[i]);
	}
	/* Streaming in odd chunks equals one call. */
	{
		unsigned char data[1000];
		struct hs_base64_stream st = {{0, 0}, 0};
		struct hs_buf one;

		for (int i = 0; i < 1000; i++)
			data[i] = (unsigned char)(i * 7 + 3);
		hs_buf_init(&one);
		hs_base64_add(&one, data, sizeof(data));
		hs_buf_reset(&b);
		for (size_t at = 0, step = 1; at < sizeof(data);
		     step = step % 5 + 1) {
			size_t n =
			    at + step > sizeof(data) ? sizeof(data) - at : step;

			hs_base64_feed(&st, &b, data + at, n);
			at += n;
		}
		hs_base64_finish(&st, &b);
		CHECK(b.len == one.len && memcmp(b.data, one.data, b.len) == 0,
		      "streamed base64 equals one-shot");
		hs_buf_release(&one);
	}
	hs_buf_reset(&d);
	CHECK(hs_base64_decode(&d, "Zm9v!", 5) < 0, "bad base64 refused");
	hs_buf_release(&b);
	hs_buf_release(&d);
}

static void test_time(void)
{
	int64_t ms;
	char buf[40];

	CHECK(hs_time_parse_rfc3339("1970-01-01T00:00:00Z", 20, &ms) == 0 &&
	          ms == 0,
	      "epoch parses to 0");
	CHECK(hs_time_parse_rfc3339("2026-11-26T03:04:05.678Z", 24, &ms) == 0 &&
	          ms == 1795662245678LL,
	      "2026-11-26T03:04:05.678Z = %lld", (long long)ms);
	CHECK(hs_time_parse_rfc3339("2026-11-26T04:04:05+01:00", 25, &ms) ==
	              0 &&
	          ms == 1795662245000LL,
	      "offsets are applied");
	CHECK(hs_time_parse_rfc3339("2025-02-29T00:00:00Z", 20, &ms) < 0,
	      "2025-02-29 refused");
	CHECK(hs_time_parse_rfc3339("2024-02-29T00:00:00Z", 20, &ms) == 0,
	      "2024-02-29 accepted");
	CHECK(hs_time_parse_rfc3339("2026-11-26 03:04:05", 19, &ms) < 0,
	      "missing zone refused");
	CHECK(hs_time_parse("1795662245678", 13, &ms) == 0 &&
	          ms == 1795662245678LL,
	      "epoch milliseconds accepted");
	hs_time_format_ms(1795662245678LL, buf, sizeof(buf));
	CHECK(strcmp(buf, "2026-11-26T03:04:05.678Z") == 0, "format: %s", buf);
	hs_time_format_ms(-1, buf, sizeof(buf));
	CHECK(strcmp(buf, "1969-12-31T23:59:59.999Z") == 0,
	      "format before the epoch: %s", buf);
}

static void test_parsers(void)
{
	uint64_t sz;
	double d;
	const char *err;

	CHECK(hs_parse_size("256KiB", &sz) == 0 && sz == 262144, "256KiB");
	CHECK(hs_parse_size("64M", &sz) == 0 && sz == 67108864, "64M");
	CHECK(hs_parse_size("512", &sz) == 0 && sz == 512, "512");
	CHECK(hs_parse_size("1.5K", &sz) == 0 && sz == 1536, "1.5K");
	CHECK(hs_parse_size("12Q", &sz) < 0, "12Q refused");
	CHECK(hs_parse_size("-1", &sz) < 0, "-1 refused");
	CHECK(hs_parse_duration("500ms", &d) == 0 && d == 0.5, "500ms");
	CHECK(hs_parse_duration("7d", &d) == 0 && d == 604800, "7d");
	CHECK(hs_parse_duration("2x", &d) < 0, "2x refused");
	CHECK(hs_strtonum("42", 0, 100, &err) == 42 && !err, "strtonum 42");
	hs_strtonum("101", 0, 100, &err);
	CHECK(err && strcmp(err, "too large") == 0, "strtonum too large");
	hs_strtonum("4x", 0, 100, &err);
	CHECK(err && strcmp(err, "invalid") == 0, "strtonum invalid");
}

/* Write s to a temporary file and return its path (static buffer). */
static const char *tmpfile_with(const char *s, size_t n)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "hs-test-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, s, n) != (ssize_t)n)
		abort();
	close(fd);
	return path;
}

static void test_lineio(void)
{
	static const char in[] =
	    "{\"a\":1}\n\n  "
	    "\n[2]\r\n{\"big\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n3";
	const char *path = tmpfile_with(in, sizeof(in) - 1);
	char *files[1] = {(char *)path};
	struct hs_lineio r;
	const char *line;
	size_t len;
	char err[128];
	long long total;

	hs_lineio_init(&r, files, 1, 20);
	CHECK(hs_lineio_next(&r, &line, &len, err, sizeof(err)) ==
	              HS_LINEIO_LINE &&
	          len == 7 && memcmp(line, "{\"a\":1}", 7) == 0 &&
	          r.lineno == 1,
	      "first line");
	CHECK(hs_lineio_next(&r, &line, &len, err, sizeof(err)) ==
	              HS_LINEIO_LINE &&
	          len == 4 && memcmp(line, "[2]\r", 4) == 0 && r.lineno == 4,
	      "blank lines skipped, line number 4, CR kept");
	CHECK(r.blank == 2, "two blank lines counted (%llu)",
	      (unsigned long long)r.blank);
	CHECK(hs_lineio_next(&r, &line, &len, err, sizeof(err)) ==
	              HS_LINEIO_TOOBIG &&
	          len == 20 && r.lineno == 5,
	      "line over the limit reported");
	total = hs_lineio_rest(&r, NULL, NULL);
	CHECK(total == 42, "rest of the long line consumed (%lld)", total);
	CHECK(hs_lineio_next(&r, &line, &len, err, sizeof(err)) ==
	              HS_LINEIO_LINE &&
	          len == 1 && line[0] == '3' && r.lineno == 6,
	      "last line without newline");
	CHECK(hs_lineio_next(&r, &line, &len, err, sizeof(err)) ==
	          HS_LINEIO_END,
	      "end");
	hs_lineio_release(&r);
	unlink(path);

	files[0] = "/nonexistent/x";
	hs_lineio_init(&r, files, 1, 20);
	CHECK(hs_lineio_next(&r, &line, &len, err, sizeof(err)) ==
	              HS_LINEIO_ERR &&
	          strstr(err, "cannot open '/nonexistent/x'"),
	      "missing file: %s", err);
	hs_lineio_release(&r);
}

/* Lines of every size across block boundaries come back whole. */
static void test_lineio_blocks(void)
{
	struct hs_buf b;
	struct hs_lineio r;
	const char *path, *line;
	char *files[1];
	size_t len;
	char err[128];
	int bad = 0, n = 0;

	hs_buf_init(&b);
	for (int i = 0; i < 3000; i++) {
		int w = (i * 7919) % 5000 + 1;

		for (int j = 0; j < w; j++)
			hs_buf_addc(&b, (char)('a' + (i + j) % 26));
		hs_buf_addc(&b, '\n');
	}
	path = tmpfile_with(b.data, b.len);
	files[0] = (char *)path;
	hs_lineio_init(&r, files, 1, 1 << 20);
	while (hs_lineio_next(&r, &line, &len, err, sizeof(err)) ==
	       HS_LINEIO_LINE) {
		size_t w = (size_t)((n * 7919) % 5000 + 1);

		if (len != w || line[0] != (char)('a' + n % 26))
			bad++;
		n++;
	}
	CHECK(n == 3000 && bad == 0,
	      "3000 lines across blocks (%d read, %d bad)", n, bad);
	hs_lineio_release(&r);
	unlink(path);
	hs_buf_release(&b);
}

static void test_out(void)
{
	int p[2];
	struct hs_out o;
	char got[64];
	ssize_t n;

	if (pipe(p) < 0)
		abort();
	hs_out_init(&o, p[1], 16);
	hs_out_line(&o, "abc", 3);
	CHECK(o.len == 4, "line queued, not written");
	hs_out_line(&o, "0123456789abcdef", 16); /* larger than the buffer */
	close(p[1]);
	n = read(p[0], got, sizeof(got));
	CHECK(n == 21 && memcmp(got, "abc\n0123456789abcdef\n", 21) == 0,
	      "big line written through in order");
	hs_out_release(&o);
	close(p[0]);

	if (pipe(p) < 0)
		abort();
	close(p[0]);
	hs_out_init(&o, p[1], 0);
	hs_out_line(&o, "x", 1);
	CHECK(hs_out_flush(&o) < 0 && o.err == EPIPE, "EPIPE reported");
	CHECK(hs_out_line(&o, "y", 1) < 0, "fails after the first failure");
	hs_out_release(&o);
	close(p[1]);
}

static void test_dlq(void)
{
	struct hs_dlq q;
	struct hs_dlq_rec r = HS_DLQ_REC_INIT;
	char path[] = "hs-dlq-XXXXXX", err[256], buf[4096];
	struct hs_json_doc d;
	int fd = mkstemp(path);
	ssize_t n;
	uint32_t v;

	close(fd);
	CHECK(hs_dlq_open(&q, path, err, sizeof(err)) == 0, "dlq opens");
	r.reason = "schema";
	r.message = "bad \"size\"";
	r.file = "<stdin>";
	r.line = 12;
	r.event = "{\"a\":1,\"hs\":{\"kafka\":{\"topic\":\"t\",\"partition\":3,"
	          "\"offset\":42}}}";
	r.event_len = strlen(r.event);
	CHECK(hs_dlq_write(&q, &r, err, sizeof(err)) == 0,
	      "json event written");
	r.event = "not json \xff";
	r.event_len = strlen(r.event);
	r.reason = "invalid_json";
	CHECK(hs_dlq_write(&q, &r, err, sizeof(err)) == 0, "bad event written");
	r.event = "not json";
	r.event_len = strlen(r.event);
	CHECK(hs_dlq_write(&q, &r, err, sizeof(err)) == 0,
	      "text event written");
	hs_dlq_close(&q);

	fd = open(path, O_RDONLY);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	unlink(path);
	buf[n > 0 ? n : 0] = '\0';
	char *l2 = strchr(buf, '\n');
	char *l3 = l2 ? strchr(l2 + 1, '\n') : NULL;
	CHECK(l2 && l3, "three records, one per line");
	if (!l2 || !l3)
		return;
	hs_json_doc_init(&d);
	CHECK(hs_json_parse(&d, buf, (size_t)(l2 - buf)) == 0,
	      "record 1 is JSON");
	v = hs_json_pointer(&d, 0, "/kafka/offset", 13);
	CHECK(v != HS_JSON_NONE && hs_json_raw(&d, v)[0] == '4',
	      "kafka coordinates copied from the event");
	v = hs_json_pointer(&d, 0, "/event/a", 8);
	CHECK(v != HS_JSON_NONE, "event embedded as JSON");
	v = hs_json_pointer(&d, 0, "/input/line", 11);
	CHECK(v != HS_JSON_NONE && hs_json_int64(&d, v, &(int64_t){0}) == 0,
	      "input position present");
	CHECK(hs_json_parse(&d, l2 + 1, (size_t)(l3 - l2 - 1)) == 0 &&
	          hs_json_pointer(&d, 0, "/event_base64", 13) != HS_JSON_NONE,
	      "invalid UTF-8 event kept as base64");
	CHECK(hs_json_parse(&d, l3 + 1, strlen(l3 + 1) - 1) == 0 &&
	          hs_json_pointer(&d, 0, "/event_text", 11) != HS_JSON_NONE,
	      "text event kept as a string");
	hs_json_doc_release(&d);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_buf();
	test_buf_read_file();
	test_base64();
	test_time();
	test_parsers();
	test_lineio();
	test_lineio_blocks();
	test_out();
	test_dlq();
	return check_done();
}
