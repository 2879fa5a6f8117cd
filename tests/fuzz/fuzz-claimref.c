/*
 * fuzz-claimref.c: hs-claimcheck get's reference checks (native
 * "hs-claim" objects, CloudEvents dataref/hsclaim, SQS Extended Client
 * pointers) and the fetch, decompress and verify path behind them.
 *
 * The checks are static functions of cmd/hs-claimcheck/get.c, which is
 * compiled into this target whole (it needs nothing from the rest of the
 * tool), so neither scripts/fuzz nor the Makefile needs a special case.
 *
 * Input: one flag byte, then NDJSON lines fed through the real tool
 * frame (hs_tool_start on a file) to claim_get().  Flags: bits 0-1 the
 * format (native, sqs-extended, cloudevents), bit 2 --refs-only, bit 3
 * --path /a/b instead of /detail.  The stores are two directory stores
 * in the working directory; the first holds one object stored two ways
 * (zstd and identity) so that well-formed references reach the fetch and
 * the SHA-256 check.  Output and dead letters go to /dev/null.  Nothing
 * may crash, leak or read out of bounds.
 */
#include "../../cmd/hs-claimcheck/get.c"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STORE_A "fuzz-claimref-store"
#define STORE_B "fuzz-claimref-other"
#define INPUT "fuzz-claimref-input.ndjson"

static struct hs_store *stores[2];
static int devnull = -1;

/* The payload put stores for {"detail":{"big":"a..."}}: the seed
 * references in corpus/claimref/ name its SHA-256. */
static void store_payload(struct hs_store *s)
{
	char p[2048], hex[HS_SHA256_HEXLEN + 1], key[HS_SHA256_HEXLEN + 8];
	char err[256];
	size_t n, zn;
	void *z;

	n = (size_t)snprintf(p, sizeof(p), "{\"big\":\"");
	memset(p + n, 'a', 2000);
	n += 2000;
	memcpy(p + n, "\"}", 2);
	n += 2;
	if (hs_sha256_hexof(p, n, hex) < 0)
		abort();
	zn = ZSTD_compressBound(n);
	z = malloc(zn);
	if (!z)
		abort();
	zn = ZSTD_compress(z, zn, p, n, 1);
	if (ZSTD_isError(zn))
		abort();
	snprintf(key, sizeof(key), "%s.zst", hex);
	if (hs_store_put(s, key, z, zn, NULL, err, sizeof(err)) < 0 ||
	    hs_store_put(s, hex, p, n, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz-claimref: %s\n", err);
		abort();
	}
	free(z);
}

static void setup(void)
{
	struct hs_store_opts so = {.retries = 0, .no_fsync = 1};
	char err[256];

	mkdir(STORE_A, 0755);
	mkdir(STORE_B, 0755);
	stores[0] = hs_store_open("file:" STORE_A, &so, err, sizeof(err));
	stores[1] = hs_store_open("file:" STORE_B "/", &so, err, sizeof(err));
	if (!stores[0] || !stores[1]) {
		fprintf(stderr, "fuzz-claimref: %s\n", err);
		abort();
	}
	store_payload(stores[0]);
	devnull = open("/dev/null", O_WRONLY);
	if (devnull < 0)
		abort();
}

static int write_input(const uint8_t *p, size_t n)
{
	int fd = open(INPUT, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	while (n > 0) {
		ssize_t k = write(fd, p, n);

		if (k <= 0) {
			close(fd);
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum claim_format formats[] = {
	    FORMAT_NATIVE, FORMAT_SQS, FORMAT_CLOUDEVENTS, FORMAT_NATIVE};
	struct claim c;
	struct hs_tool t;
	struct hs_opts opts;
	char *files[1] = {INPUT};
	const char *line;
	size_t len;

	if (stores[0] == NULL)
		setup();
	if (size < 1 || write_input(data + 1, size - 1) < 0)
		return 0;
	memset(&c, 0, sizeof(c));
	c.format = formats[data[0] & 3];
	c.refs_only = (data[0] & 4) != 0;
	c.path = (data[0] & 8) ? "/a/b" : "/detail";
	c.parallel = 4;
	c.stores[0] = stores[0];
	c.stores[1] = stores[1];
	c.nstores = 2;
	hs_json_doc_init(&c.doc);
	for (int i = 0; i < CLAIM_MAX_PARALLEL; i++) {
		hs_buf_init(&c.slots[i].obj);
		hs_buf_init(&c.slots[i].out);
		hs_buf_init(&c.slots[i].held);
		hs_buf_init(&c.slots[i].pre);
	}
	hs_buf_init(&c.obj);
	hs_buf_init(&c.line);
	hs_buf_init(&c.tmp);
	c.dctx = ZSTD_createDCtx();
	if (!c.dctx)
		abort();

	hs_opts_init(&opts);
	opts.dlq = "/dev/null";
	opts.max_event_size = 1u << 20;
	if (hs_tool_start(&t, &opts, files, 1) == 0) {
		t.out.fd = devnull;
		c.doc.max_depth = opts.max_depth;
		while (hs_tool_next(&t, &line, &len) > 0)
			claim_get(&c, &t, line, len);
		claim_get_drain(&c, &t);
	}
	hs_tool_finish(&t, NULL);

	for (int i = 0; i < CLAIM_MAX_PARALLEL; i++) {
		hs_store_op_free(c.slots[i].op);
		hs_buf_release(&c.slots[i].obj);
		hs_buf_release(&c.slots[i].out);
		hs_buf_release(&c.slots[i].held);
		hs_buf_release(&c.slots[i].pre);
	}
	hs_buf_release(&c.obj);
	hs_buf_release(&c.line);
	hs_buf_release(&c.tmp);
	hs_json_doc_release(&c.doc);
	ZSTD_freeDCtx(c.dctx);
	return 0;
}
