/* Unit tests for common/ack: finding coordinates cheaply and the
 * message format hs-consume --ack reads. */
#include <string.h>
#include <unistd.h>

#include "ack.h"
#include "check.h"
#include "banned.h"

static const char *sent(struct hs_ack *a, int rfd)
{
	static char buf[1024];
	ssize_t n;

	hs_ack_close(a);
	n = read(rfd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(rfd);
	return buf;
}

static void one(const char *event, int n, const char *want, int lost)
{
	struct hs_ack a = {-1, 0, 0};
	int p[2];
	const char *got;

	if (pipe(p) < 0)
		return;
	a.fd = p[1];
	hs_ack_event(&a, event, strlen(event), n);
	CHECK((int)a.lost == lost, "lost count %d for %s", lost, event);
	got = sent(&a, p[0]);
	CHECK(strcmp(got, want) == 0, "ack of %s is '%s' (got '%s')", event,
	      want, got);
}

int main(void)
{
	const char *topic;
	size_t tl;
	int32_t part;
	int64_t off;
	int n;

	/* hs-consume's layout: the member last. */
	one("{\"a\":1,\"hs\":{\"kafka\":{\"topic\":\"t\",\"partition\":3,"
	    "\"offset\":42}}}",
	    0, "- t 3 42\n", 0);
	/* A decoy inside a string, and a brace inside the key string. */
	one("{\"a\":\"\\\"hs\\\":{\\\"kafka\\\":{\",\"hs\":{\"kafka\":{"
	    "\"topic\":\"t\","
	    "\"partition\":3,\"offset\":42,\"key\":\"}\"}}}",
	    0, "- t 3 42\n", 0);
	/* Member first (after a transform): found by the full parse. */
	one("{\"hs\":{\"kafka\":{\"topic\":\"u\",\"partition\":1,\"offset\":7}}"
	    ",\"x\":1}",
	    2, "+ u 1 7 2\n", 0);
	one("{\"nope\":1}", 0, "", 1);
	one("not json", 0, "", 1);

	CHECK(hs_ack_parse("- media 3 1042", 14, &topic, &tl, &part, &off,
	                   &n) == 0 &&
	          tl == 5 && memcmp(topic, "media", 5) == 0 && part == 3 &&
	          off == 1042 && n == 0,
	      "parse a finish message");
	CHECK(hs_ack_parse("+ media 3 1042 4", 16, &topic, &tl, &part, &off,
	                   &n) == 0 &&
	          n == 4,
	      "parse a split message");
	CHECK(hs_ack_parse("- media x 1", 11, &topic, &tl, &part, &off, &n) < 0,
	      "bad partition refused");
	CHECK(hs_ack_parse("+ media 3 1042", 14, &topic, &tl, &part, &off, &n) <
	          0,
	      "split without a count refused");
	CHECK(hs_ack_parse("? media 3 1", 11, &topic, &tl, &part, &off, &n) < 0,
	      "unknown kind refused");
	return check_done();
}
