/*
 * test-ackbook.c: the commit point follows the first outstanding event,
 * splits hold it back until every part is finished, unknown and repeated
 * messages are refused, forget and rewinds start a partition over, and a
 * random interleaving checked against a plain array model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ackbook.h"

#include "../unit/check.h"

#define T "orders"
#define TL (sizeof(T) - 1)

static int64_t upto(struct hs_ackbook *b, int32_t p)
{
	return hs_ackbook_done_upto(b, T, TL, p);
}

static int ack(struct hs_ackbook *b, int32_t p, int64_t o, int n)
{
	return hs_ackbook_ack(b, T, TL, p, o, n);
}

static void basics(void)
{
	struct hs_ackbook *b = hs_ackbook_new();

	CHECK(upto(b, 0) == -1, "nothing handed over: nothing to store");
	CHECK(ack(b, 0, 5, 0) == -1, "ack for an unknown partition refused");
	hs_ackbook_add(b, T, TL, 0, 10);
	hs_ackbook_add(b, T, TL, 0, 11);
	hs_ackbook_skip(b, T, TL, 0, 12); /* dead-lettered by hs-consume */
	hs_ackbook_add(b, T, TL, 0, 13);
	CHECK(hs_ackbook_open(b) == 3, "three events open");
	CHECK(upto(b, 0) == 10, "first outstanding event holds the commit");
	CHECK(ack(b, 0, 11, 0) == 0, "ack out of order accepted");
	CHECK(upto(b, 0) == 10, "a later ack does not move the commit");
	CHECK(ack(b, 0, 11, 0) == -1, "second ack of a finished event refused");
	CHECK(ack(b, 0, 12, 0) == -1, "ack of a skipped record refused");
	CHECK(ack(b, 0, 9, 0) == -1, "ack below the ledger refused");
	CHECK(ack(b, 0, 10, 0) == 0, "ack of the first event");
	CHECK(upto(b, 0) == 13, "commit moves past finished and skipped");
	CHECK(ack(b, 0, 13, 2) == 0, "split into three");
	CHECK(ack(b, 0, 13, 0) == 0 && ack(b, 0, 13, 0) == 0,
	      "two of three parts finished");
	CHECK(upto(b, 0) == 13, "split event holds until its last part");
	CHECK(hs_ackbook_open(b) == 1, "one event open");
	CHECK(ack(b, 0, 13, 0) == 0, "last part finished");
	CHECK(upto(b, 0) == 14, "everything finished: after the last record");
	CHECK(hs_ackbook_open(b) == 0, "nothing open");
	CHECK(ack(b, 0, 13, 0) == -1, "ack after the event was popped refused");
	CHECK(upto(b, 1) == -1, "other partition untouched");

	hs_ackbook_add(b, T, TL, 1, 0);
	hs_ackbook_add(b, "other", 5, 1, 0);
	CHECK(hs_ackbook_done_upto(b, "other", 5, 1) == 0,
	      "same partition number, other topic kept apart");
	CHECK(hs_ackbook_ack(b, "other", 5, 1, 0, 0) == 0 && upto(b, 1) == 0,
	      "ack for one topic leaves the other");
	hs_ackbook_forget(b, T, TL, 1);
	CHECK(upto(b, 1) == -1 && hs_ackbook_open(b) == 0,
	      "forget drops the partition's events");
	CHECK(ack(b, 1, 0, 0) == -1, "ack after forget refused");

	hs_ackbook_add(b, T, TL, 2, 100);
	hs_ackbook_add(b, T, TL, 2, 101);
	hs_ackbook_add(b, T, TL, 2, 50); /* read again from 50 */
	CHECK(upto(b, 2) == 50 && hs_ackbook_open(b) == 1,
	      "a rewind starts the partition over");
	hs_ackbook_free(b);
}

/* Many partitions (the table grows) and a long ledger (the ring wraps and
 * grows), against a model: units[] per offset, commit = first open. */
static void model(void)
{
	enum { NP = 300, NO = 2000 };
	struct hs_ackbook *b = hs_ackbook_new();
	static int units[NP][NO];
	int written[NP] = {0}, bad = 0, badopen = 0;
	uint64_t open = 0;
	char name[16];

	srand(7);
	memset(units, 0, sizeof(units));
	for (long step = 0; step < 400000; step++) {
		int p = rand() % NP, r = rand() % 10;

		snprintf(name, sizeof(name), "t%d", p % 3);
		if (r < 4 && written[p] < NO) {
			int o = written[p]++;

			if (rand() % 8 == 0) {
				hs_ackbook_skip(b, name, strlen(name), p, o);
			} else {
				hs_ackbook_add(b, name, strlen(name), p, o);
				units[p][o] = 1;
				open++;
			}
		} else if (written[p] > 0) {
			int o = rand() % written[p];
			int n = r == 9 ? 1 + rand() % 3 : 0;
			int want = units[p][o] > 0 ? 0 : -1;

			if (hs_ackbook_ack(b, name, strlen(name), p, o, n) !=
			    want)
				bad++;
			if (want == 0 && n)
				units[p][o] += n;
			else if (want == 0 && --units[p][o] == 0)
				open--;
		}
		if (step % 997 == 0) {
			int q = rand() % NP, c = 0;
			int64_t got;

			snprintf(name, sizeof(name), "t%d", q % 3);
			while (c < written[q] && units[q][c] == 0)
				c++;
			got = hs_ackbook_done_upto(b, name, strlen(name), q);
			if (got != (written[q] ? c : -1))
				bad++;
		}
		if (hs_ackbook_open(b) != open)
			badopen++;
	}
	CHECK(bad == 0, "random interleaving agrees with the model (%d off)",
	      bad);
	CHECK(badopen == 0, "open count agrees with the model");
	hs_ackbook_free(b);
}

int main(void)
{
	basics();
	model();
	return check_done();
}
