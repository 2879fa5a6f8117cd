/*
 * match.c: --pattern, the EventBridge pattern language of hs-fanout's
 * rules (common/pattern.h), applied to each event inside the window.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "pattern.h"
#include "replay.h"
#include "banned.h"

struct matcher {
	struct hs_pattern *p;
	struct hs_pattern_match m;
	int ready; /* m initialized (after the last add) */
};

/* JSON text from the argument, or from FILE for "@FILE", into b. */
static int pattern_text(const char *arg, struct hs_buf *b)
{
	char errbuf[512];

	if (arg[0] != '@') {
		hs_buf_adds(b, arg);
		return 0;
	}
	if (hs_buf_read_file(b, arg + 1, errbuf, sizeof(errbuf)) < 0) {
		hs_err("%s", errbuf);
		return -1;
	}
	return 0;
}

int replay_pattern_compile(struct replay *rp, const char *arg)
{
	struct matcher *x = rp->pattern;
	struct hs_buf b = HS_BUF_INIT;
	char errbuf[512];
	unsigned id;
	int rc = -1;

	if (x) {
		hs_err("--pattern may be given once");
		return -1;
	}
	if (pattern_text(arg, &b) < 0)
		goto out;
	x = hs_xcalloc(1, sizeof(*x));
	x->p = hs_pattern_new();
	rp->pattern = x;
	if (hs_pattern_add(x->p, b.data, b.len, &id, errbuf, sizeof(errbuf)) <
	    0) {
		hs_err("bad --pattern: %s", errbuf);
		goto out;
	}
	hs_pattern_match_init(&x->m, x->p);
	x->ready = 1;
	hs_buf_add(&rp->pattern_text, b.data, b.len);
	rc = 0;
out:
	hs_buf_release(&b);
	return rc;
}

int replay_match(struct replay *rp)
{
	struct matcher *x = rp->pattern;

	return hs_pattern_match(x->p, &x->m, &rp->doc, 0) > 0;
}

void replay_pattern_free(struct replay *rp)
{
	struct matcher *x = rp->pattern;

	if (!x)
		return;
	if (x->ready)
		hs_pattern_match_release(&x->m);
	hs_pattern_free(x->p);
	free(x);
	rp->pattern = NULL;
}
