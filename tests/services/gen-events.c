/*
 * gen-events: a deterministic stream of realistic EventBridge-shaped media
 * events, for benchmarks, the demo and end-to-end tests.
 *
 *   gen-events [-n COUNT] [-s SEED] [--invalid PERCENT] [--ids64 N]
 *              [--big N --big-size BYTES] [--start-ms MS] [--step-ms MS]
 *
 * Events are about 1 KB.  --invalid makes that share of events break the
 * media schema (negative sizes, missing ids, a wrong type) while staying
 * valid JSON; --ids64 gives N events a 20-digit integer id in
 * detail.assetNumber that a double cannot hold; --big gives N events a
 * base64-like payload of --big-size bytes in detail.payload.  Event times
 * start at --start-ms and advance by --step-ms.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "timeutil.h"
#include "banned.h"

static uint64_t rng;

static uint64_t next(void)
{
	/* splitmix64: deterministic for a seed on every machine */
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static const char *const types[] = {"media.uploaded", "media.transcoded",
                                    "media.published", "media.deleted",
                                    "playback.started"};
static const char *const sources[] = {"com.example.media", "com.example.media",
                                      "com.example.media", "com.example.media",
                                      "com.example.player"};
static const char *const codecs[] = {"h264", "h265", "av1", "vp9"};
static const char *const regions[] = {"eu-west-1", "eu-central-1", "us-east-1"};

static void payload(size_t n)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char chunk[4096];

	while (n) {
		size_t k = n < sizeof(chunk) ? n : sizeof(chunk);

		for (size_t i = 0; i < k; i++)
			chunk[i] = b64[next() & 63];
		fwrite(chunk, 1, k, stdout);
		n -= k;
	}
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"invalid", required_argument, NULL, 'i'},
	    {"ids64", required_argument, NULL, 'I'},
	    {"big", required_argument, NULL, 'b'},
	    {"big-size", required_argument, NULL, 'B'},
	    {"start-ms", required_argument, NULL, 'S'},
	    {"step-ms", required_argument, NULL, 'T'},
	    {NULL, 0, NULL, 0}};
	long long count = 1000, invalid_pct = 0, ids64 = 0, big = 0;
	long long big_size = 5 << 20, start = 1795662245000LL, step = 1000;
	const char *err = NULL;
	int c;

	rng = 42;
	while ((c = getopt_long(argc, argv, "n:s:", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			count = hs_strtonum(optarg, 0, 1LL << 40, &err);
			break;
		case 's':
			rng = (uint64_t)hs_strtonum(optarg, 0, 1LL << 62, &err);
			break;
		case 'i':
			invalid_pct = hs_strtonum(optarg, 0, 100, &err);
			break;
		case 'I':
			ids64 = hs_strtonum(optarg, 0, 1LL << 40, &err);
			break;
		case 'b':
			big = hs_strtonum(optarg, 0, 1LL << 40, &err);
			break;
		case 'B':
			big_size = hs_strtonum(optarg, 1, 1LL << 32, &err);
			break;
		case 'S':
			start = hs_strtonum(optarg, 0, 1LL << 50, &err);
			break;
		case 'T':
			step = hs_strtonum(optarg, 0, 1LL << 40, &err);
			break;
		default:
			fprintf(stderr,
			        "usage: gen-events [-n N] [-s SEED] ...\n");
			return 2;
		}
		if (err) {
			fprintf(stderr, "gen-events: bad value '%s': %s\n",
			        optarg, err);
			return 2;
		}
	}
	/* Spread the special events evenly through the stream. */
	for (long long i = 0; i < count; i++) {
		uint64_t r = next();
		int t = (int)(r % 5);
		int bad =
		    invalid_pct && (long long)(next() % 100) < invalid_pct;
		int is64 = ids64 &&
		           i % (count / ids64 ? count / ids64 : 1) == 1 &&
		           i / (count / ids64 ? count / ids64 : 1) < ids64;
		int isbig = big && i % (count / big ? count / big : 1) == 2 &&
		            i / (count / big ? count / big : 1) < big;
		char ts[40];
		long long size = (long long)(next() % 4000000000ULL);

		hs_time_format_ms(start + i * step, ts, sizeof(ts));
		printf("{\"version\":\"0\",\"id\":\"%08" PRIx64
		       "-%04x-4%03x-a%03x-%012" PRIx64
		       "\",\"detail-type\":\"%s\",\"source\":\"%s\","
		       "\"account\":\"123456789012\",\"time\":\"%s\","
		       "\"region\":\"%s\",\"resources\":[\"arn:aws:media:%s:"
		       "123456789012:asset/a%06lld\"],"
		       "\"detail\":{",
		       (uint64_t)(r >> 32), (unsigned)(r & 0xffff),
		       (unsigned)(next() & 0xfff), (unsigned)(next() & 0xfff),
		       (uint64_t)(next() & 0xffffffffffffULL), types[t],
		       sources[t], ts, regions[i % 3], regions[i % 3],
		       i % 1000000);
		if (bad && i % 3 == 0)
			printf("\"assetId\":\"a%06lld\",\"sizeBytes\":-%lld,",
			       i % 1000000, size);
		else if (bad && i % 3 == 1)
			printf("\"sizeBytes\":%lld,", size);
		else if (bad)
			printf("\"assetId\":%lld,\"sizeBytes\":%lld,", i, size);
		else
			printf("\"assetId\":\"a%06lld\",\"sizeBytes\":%lld,",
			       i % 1000000, size);
		if (is64)
			printf("\"assetNumber\":1%019" PRIu64 ",",
			       (uint64_t)(next() % 10000000000000000000ULL));
		else
			printf("\"assetNumber\":%lld,", i);
		printf(
		    "\"title\":\"Episode %lld: The \\\"Hub\\\" and the Spoke\","
		    "\"kind\":\"%s\",\"durationSeconds\":%.3f,"
		    "\"codec\":\"%s\",\"bitrateKbps\":%d,\"width\":%d,"
		    "\"height\":%d,"
		    "\"tags\":[\"series\",\"s%02d\",\"e%03d\",\"%s\"],"
		    "\"owner\":{\"team\":\"studio-%d\",\"email\":\"ops%d@"
		    "example.com\",\"ip\":\"10.%d.%d.%d\"},"
		    "\"checksum\":\"sha256:%016" PRIx64 "%016" PRIx64
		    "%016" PRIx64 "%016" PRIx64 "\","
		    "\"renditions\":[{\"h\":1080,\"kbps\":6000},{\"h\":720,"
		    "\"kbps\":3500},{\"h\":480,\"kbps\":1200}],"
		    "\"notes\":\"%s\"",
		    i, t == 4 ? "playback" : (i % 2 ? "video" : "audio"),
		    (double)(next() % 7200000) / 1000.0, codecs[i % 4],
		    (int)(next() % 9000) + 500, 1920, 1080, (int)(i % 12) + 1,
		    (int)(i % 200) + 1, i % 7 ? "drama" : "news", (int)(i % 17),
		    (int)(i % 50), (int)(next() % 256), (int)(next() % 256),
		    (int)(next() % 256), next(), next(), next(), next(),
		    i % 5 ? "ingested via the hub; normalized by the pipe; "
		            "delivered to the spokes"
		          : "caf\\u00e9 \xc3\xa9t\xc3\xa9 \xe2\x9c\x93");
		if (isbig) {
			printf(",\"payload\":\"");
			payload((size_t)big_size);
			printf("\"");
		}
		printf("}}\n");
	}
	return ferror(stdout) ? 3 : 0;
}
