/*
 * match.c: --pattern, the EventBridge pattern language of hs-fanout's
 * rules, applied to each event after the window.
 */
#include <stdio.h>

#include "err.h"
#include "replay.h"
#include "banned.h"

int replay_pattern_compile(struct replay *rp, const char *arg)
{
	(void)rp;
	(void)arg;
	hs_err("--pattern is not available in this build yet");
	return -1;
}

int replay_match(struct replay *rp)
{
	(void)rp;
	return 1;
}

void replay_pattern_free(struct replay *rp)
{
	rp->pattern = NULL;
}
