/*
 * test-seqname.c: the rotated-series naming rule of common/seqname.c,
 * both ways: names made by hs_seq_name() parse back to their series and
 * number with hs_seq_parse().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seqname.h"

#include "../unit/check.h"

static int named(const char *path, unsigned long seq, const char *want)
{
	char *s = hs_seq_name(path, seq);
	int ok = strcmp(s, want) == 0;

	free(s);
	return ok;
}

/* path parses as member seq of series want (stem then extension). */
static int parsed(const char *path, const char *want, unsigned long seq)
{
	size_t stem, ext;
	unsigned long n;
	char buf[256];

	hs_seq_parse(path, &stem, &ext, &n);
	snprintf(buf, sizeof buf, "%.*s%s", (int)stem, path, path + ext);
	return n == seq && strcmp(buf, want) == 0;
}

int main(void)
{
	CHECK(named("p/x.ndjson", 0, "p/x.ndjson"), "member 0 is the name");
	CHECK(named("p/x.ndjson", 1, "p/x.1.ndjson"), "x.1.ndjson");
	CHECK(named("p/x.ndjson", 10, "p/x.10.ndjson"), "x.10.ndjson");
	CHECK(named("p/x.ndjson.zst", 2, "p/x.2.ndjson.zst"), "x.2.ndjson.zst");
	CHECK(named("p/x.zst", 3, "p/x.3.zst"), "x.3.zst");
	CHECK(named("p/x", 1, "p/x.1"), "no extension: x.1");
	CHECK(named("p.d/x", 1, "p.d/x.1"), "a dot in the directory");
	CHECK(named("p/.x", 1, "p/.x.1"), "a hidden name has no extension");
	CHECK(named("p/x.5.zst", 1, "p/x.5.1.zst"), "x.5.zst: .5 is no ext");
	CHECK(parsed("p/x.ndjson", "p/x.ndjson", 0), "x.ndjson is 0");
	CHECK(parsed("p/x.1.ndjson", "p/x.ndjson", 1), "x.1.ndjson is 1");
	CHECK(parsed("p/x.10.ndjson", "p/x.ndjson", 10), "x.10 is 10");
	CHECK(parsed("p/x.2.ndjson.zst", "p/x.ndjson.zst", 2),
	      "x.2.ndjson.zst is 2");
	CHECK(parsed("p/x.3.zst", "p/x.zst", 3), "x.3.zst is 3");
	CHECK(parsed("p/x.5.1.zst", "p/x.5.zst", 1), "x.5.1.zst is 1");
	CHECK(parsed("p/x.01.ndjson", "p/x.01.ndjson", 0),
	      "a leading zero is no sequence");
	CHECK(parsed("p/1.ndjson", "p/1.ndjson", 0), "a bare number is a name");
	CHECK(parsed("p/x.1", "p/x", 1), "x.1 is 1 of x");
	return check_done();
}
