/* kafka.c: kafka://TOPIC sources (not yet). */
#include <stddef.h>

#include "err.h"
#include "exit.h"
#include "replay.h"
#include "banned.h"

int replay_kafka(struct replay *rp, const char *topic)
{
	hs_err("kafka://%s: not implemented yet", topic);
	rp->t.rc = HS_EXIT_USAGE;
	return rp->t.rc;
}
