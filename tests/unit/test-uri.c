/*
 * test-uri.c: common/uri.c's shown form of a URI: userinfo passwords,
 * token userinfo and query values hidden, everything else as given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uri.h"

#include "../unit/check.h"

static int shown(const char *uri, const char *want)
{
	char *s = hs_uri_shown(uri);
	int ok = strcmp(s, want) == 0;

	if (!ok)
		fprintf(stderr, "# %s -> %s, want %s\n", uri, s, want);
	free(s);
	return ok;
}

int main(void)
{
	CHECK(shown("http://host:8080/in", "http://host:8080/in"),
	      "nothing secret: unchanged");
	CHECK(shown("http://bob:secret@host/in", "http://bob:***@host/in"),
	      "the password is hidden, the user kept");
	CHECK(shown("https://tok3n@host/x", "https://***@host/x"),
	      "a userinfo without ':' is a token: hidden whole");
	CHECK(shown("http://host/in?token=abc&x=1",
	            "http://host/in?token=***&x=***"),
	      "every query value hidden, the names kept");
	CHECK(shown("http://host/in?abc123&k=", "http://host/in?***&k="),
	      "an item without '=' hidden, an empty value left");
	CHECK(shown("http://a:b@host/p?q=1#frag",
	            "http://a:***@host/p?q=***#frag"),
	      "both, the fragment kept");
	CHECK(shown("http://host/p/a@b", "http://host/p/a@b"),
	      "an @ in the path is not userinfo");
	CHECK(shown("http://host/p#x?y=1", "http://host/p#x?y=1"),
	      "a ? in the fragment is not a query");
	CHECK(shown("file:out/{source}.ndjson", "file:out/{source}.ndjson"),
	      "no authority: unchanged");
	CHECK(shown("kafka://topic", "kafka://topic"), "kafka: unchanged");
	CHECK(shown("file:a.ndjson?rotate-size=1M",
	            "file:a.ndjson?rotate-size=1M"),
	      "a file target's query holds options: kept");

	CHECK(shown("", ""), "empty");
	return check_done();
}
