/*
 * gc.c: expire objects of a file: store by age.  A log is read by many
 * consumer groups and replayed, so no consumer may delete what it read;
 * objects go when they are older than the hub's retention instead.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "claim.h"
#include "err.h"
#include "exit.h"
#include "banned.h"

struct gc {
	struct claim *c;
	time_t cutoff;
	uint64_t kept, removed, bytes;
	int failed;
};

static int visit(void *ctx, const char *key, uint64_t size, time_t mtime)
{
	struct gc *g = ctx;
	char err[512] = "";

	if (mtime >= g->cutoff) {
		g->kept++;
		return 0;
	}
	if (!g->c->dry_run &&
	    hs_store_delete(g->c->stores[0], key, err, sizeof(err)) != 0) {
		hs_err("%s", err);
		g->failed = 1;
		return 0;
	}
	g->removed++;
	g->bytes += size;
	return 0;
}

int claim_gc(struct claim *c, int verbose)
{
	struct gc g = {c, time(NULL) - (time_t)c->older_than, 0, 0, 0, 0};
	char err[512] = "";

	if (hs_store_list(c->stores[0], visit, &g, err, sizeof(err)) != 0) {
		hs_err("%s", err);
		return HS_EXIT_IO;
	}
	if (verbose)
		fprintf(stderr,
		        "%s: gc removed=%llu kept=%llu bytes_removed=%llu%s\n",
		        hs_prog(), (unsigned long long)g.removed,
		        (unsigned long long)g.kept, (unsigned long long)g.bytes,
		        c->dry_run ? " (dry run)" : "");
	return g.failed ? HS_EXIT_IO : HS_EXIT_OK;
}
