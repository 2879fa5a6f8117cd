/*
 * bench-json.c: parse throughput of hs_json_parse() on NDJSON.
 *
 *	bench-json --gen N > events.ndjson   N EventBridge-shaped events, ~1 KB
 *	bench-json events.ndjson [ROUNDS]    parse every line ROUNDS times (5)
 *
 * Prints "lines L, bytes B, rounds R, S s, X MB/s" (MB = 10^6 bytes).
 * One document is reused across all lines, as the tools do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "json.h"

static const char *const sources[] = {"aws.ec2", "com.shop.orders", "aws.s3",
                                      "com.shop.payments"};
static const char *const types[] = {"EC2 Instance State-change Notification",
                                    "OrderPlaced", "Object Created",
                                    "PaymentCaptured"};

/* A pseudo-random generator with a fixed seed: the same file each run. */
static unsigned long long rng = 88172645463325252ull;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static void gen(long n)
{
	for (long i = 0; i < n; i++) {
		unsigned k = rnd(4);

		printf(
		    "{\"version\":\"0\",\"id\":\"%08x-%04x-%04x-%04x-%012llx\","
		    "\"detail-type\":\"%s\",\"source\":\"%s\","
		    "\"account\":\"1234567890%02u\",\"time\":\"2024-05-%02uT%"
		    "02u:%02u:%02uZ\","
		    "\"region\":\"eu-west-1\",\"resources\":[\"arn:aws:ec2:eu-"
		    "west-1:123456789012:instance/i-%016llx\"],"
		    "\"detail\":{\"orderId\":%ld,\"customer\":{\"id\":\"c-%u\","
		    "\"name\":\"Zo\\u00eb O'Brien \\\"VIP\\\"\","
		    "\"email\":\"customer%u@example.com\",\"tier\":\"gold\","
		    "\"address\":{\"street\":\"%u Rue de l'\xc3\x89glise\","
		    "\"city\":\"M\xc3\xbcnchen\",\"zip\":\"%05u\",\"country\":"
		    "\"DE\"}},"
		    "\"items\":[{\"sku\":\"SKU-%u\",\"qty\":%u,\"price\":%u.%"
		    "02u,\"tags\":[\"new\",\"sale\"]},"
		    "{\"sku\":\"SKU-%u\",\"qty\":%u,\"price\":%u.%02u,\"tags\":"
		    "[]},"
		    "{\"sku\":\"SKU-%u\",\"qty\":1,\"price\":1e2,\"gift\":true,"
		    "\"note\":null}],"
		    "\"total\":%u.%02u,\"currency\":\"EUR\",\"paid\":%s,"
		    "\"coupon\":null,"
		    "\"shipping\":{\"method\":\"express\",\"eta_days\":%u,"
		    "\"tracking\":\"TRK%010u\"},"
		    "\"metadata\":{\"trace\":\"%016llx\",\"retries\":0,"
		    "\"flags\":[1,2,3],\"ratio\":-0.125e-3}}}\n",
		    rnd(1u << 31), rnd(65536), rnd(65536), rnd(65536),
		    (unsigned long long)rnd(1u << 31) << 16, types[k],
		    sources[k], rnd(100), 1 + rnd(28), rnd(24), rnd(60),
		    rnd(60),
		    (unsigned long long)rnd(1u << 31) << 32 | rnd(1u << 31),
		    100000 + i, rnd(100000), rnd(100000), 1 + rnd(200),
		    rnd(100000), rnd(10000), 1 + rnd(5), rnd(1000), rnd(100),
		    rnd(10000), 1 + rnd(5), rnd(1000), rnd(100), rnd(10000),
		    rnd(5000), rnd(100), rnd(2) ? "true" : "false", 1 + rnd(7),
		    rnd(1u << 31),
		    (unsigned long long)rnd(1u << 31) << 32 | rnd(1u << 31));
	}
}

int main(int argc, char **argv)
{
	struct hs_json_doc d;
	struct timespec t0, t1;
	FILE *f;
	char *data = NULL, **line = NULL;
	size_t *len = NULL, n = 0, cap = 0, lcap = 0, total = 0, nl = 0;
	size_t r;
	long rounds = 5, bad = 0;
	double secs;

	if (argc == 3 && !strcmp(argv[1], "--gen")) {
		gen(strtol(argv[2], NULL, 10));
		return fclose(stdout) ? 3 : 0;
	}
	if (argc < 2 || argc > 3) {
		fprintf(
		    stderr,
		    "usage: bench-json --gen N | bench-json FILE [ROUNDS]\n");
		return 2;
	}
	if (argc == 3)
		rounds = strtol(argv[2], NULL, 10);
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 3;
	}
	for (;;) {
		if (cap - n < 65536)
			data = hs_xgrow(data, 1, n + 65536, &cap);
		r = fread(data + n, 1, cap - n, f);
		if (!r)
			break;
		n += r;
	}
	fclose(f);
	for (char *p = data, *e; p < data + n; p = e + 1) {
		e = memchr(p, '\n', (size_t)(data + n - p));
		if (!e)
			e = data + n;
		line = hs_xgrow(line, sizeof(*line), nl + 1, &lcap);
		len = hs_xrealloc(len, lcap * sizeof(*len));
		line[nl] = p;
		len[nl++] = (size_t)(e - p);
		total += (size_t)(e - p);
	}

	hs_json_doc_init(&d);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long k = 0; k < rounds; k++)
		for (size_t i = 0; i < nl; i++)
			bad += hs_json_parse(&d, line[i], len[i]) != 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs =
	    (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("lines %zu, bytes %zu, rounds %ld, %.3f s, %.1f MB/s%s\n", nl,
	       total, rounds, secs,
	       secs > 0 ? total * (double)rounds / secs / 1e6 : 0,
	       bad ? " (some lines failed to parse)" : "");
	hs_json_doc_release(&d);
	free(line);
	free(len);
	free(data);
	return bad ? 1 : 0;
}

#include "banned.h"
