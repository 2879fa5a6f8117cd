/* Unit tests for common/evcoord: an event's hs.kafka coordinates from a
 * parsed document and from raw bytes, and what does not count as them. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "evcoord.h"
#include "json.h"
#include "banned.h"

/* Both readers agree on line; returns what they found (0/-1). */
static int both(const char *line, struct hs_evcoord *c)
{
	struct hs_json_doc d;
	struct hs_evcoord c2;
	int r1, r2 = -1;

	hs_json_doc_init(&d);
	r1 = hs_evcoord_line(&d, line, strlen(line), c);
	if (hs_json_parse(&d, line, strlen(line)) == 0)
		r2 = hs_evcoord_doc(&d, &c2);
	hs_json_doc_release(&d);
	CHECK(r1 == r2, "line and doc readers agree on %s", line);
	if (r1 == 0 && r2 == 0)
		CHECK(c->topiclen == c2.topiclen &&
		          memcmp(c->topic, c2.topic, c->topiclen) == 0 &&
		          c->partition == c2.partition &&
		          c->offset == c2.offset,
		      "same coordinates from both for %s", line);
	return r1;
}

static void found(const char *line, const char *topic, int partition,
                  long long offset)
{
	struct hs_evcoord c;

	CHECK(both(line, &c) == 0 && c.topiclen == strlen(topic) &&
	          memcmp(c.topic, topic, c.topiclen) == 0 &&
	          c.partition == partition && c.offset == offset,
	      "coordinates %s/%d@%lld in %s", topic, partition, offset, line);
}

static void none(const char *line)
{
	struct hs_evcoord c;

	CHECK(both(line, &c) < 0, "no coordinates in %s", line);
}

int main(void)
{
	char big[400];

	found("{\"a\":1,\"hs\":{\"kafka\":{\"topic\":\"t\",\"partition\":2,"
	      "\"offset\":42}}}",
	      "t", 2, 42);
	/* members in any order, the envelope not last */
	found("{\"hs\":{\"kafka\":{\"offset\":7,\"partition\":0,\"topic\":"
	      "\"orders.v1\",\"key\":\"k}\"}},\"b\":[1]}",
	      "orders.v1", 0, 7);
	/* the key text inside a string is not the member */
	found("{\"s\":\"\\\"hs\\\":{\\\"kafka\\\":{}\",\"hs\":{\"kafka\":{"
	      "\"topic\":\"x\",\"partition\":1,\"offset\":3}}}",
	      "x", 1, 3);
	none("{\"a\":1}");
	none("[1,2]");
	none("not json");
	none("{\"hs\":{\"kafka\":[]}}");
	none("{\"hs\":{\"kafka\":{\"topic\":\"t\",\"partition\":1}}}");
	none("{\"hs\":{\"kafka\":{\"topic\":1,\"partition\":1,\"offset\":1}}}");
	none("{\"hs\":{\"kafka\":{\"topic\":\"\",\"partition\":1,"
	     "\"offset\":1}}}");
	none("{\"hs\":{\"kafka\":{\"topic\":\"t\",\"partition\":-1,"
	     "\"offset\":1}}}");
	none("{\"hs\":{\"kafka\":{\"topic\":\"t\",\"partition\":4294967296,"
	     "\"offset\":1}}}");
	none("{\"hs\":{\"kafka\":{\"topic\":\"t\",\"partition\":1,"
	     "\"offset\":1.5}}}");
	none("{\"hs\":{\"kafka\":{\"topic\":\"a\\u0062\",\"partition\":1,"
	     "\"offset\":1}}}");
	/* a topic longer than any --ack message may carry */
	snprintf(big, sizeof big,
	         "{\"hs\":{\"kafka\":{\"topic\":\"%0256d\",\"partition\":1,"
	         "\"offset\":1}}}",
	         0);
	none(big);
	return check_done();
}
