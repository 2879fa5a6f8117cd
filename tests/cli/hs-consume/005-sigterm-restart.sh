#!/bin/sh
# hs-consume: SIGTERM mid-stream commits what was written; a restart in
# the same group continues right after it: no gap, no duplicate.
. "$HS_TESTS/cli/lib.sh"
need kcat jq
kafka_start --topic s:4 || fail "no mock cluster"

{
	for b in 1 2 3 4 5 6 7 8 9 10; do
		awk -v b=$b 'BEGIN { for (i = 1; i <= 300; i++)
			printf "k%d:{\"n\":%d}\n", i, (b - 1) * 300 + i }'
		sleep 0.7
	done
} | kcat -P -b "$BROKERS" -t s -K: &
producer=$!

# The mock cluster ignores LeaveGroup, so the restart would wait out the
# first member's session (45 s by default): keep it short.
fast="-X session.timeout.ms=6000 -X heartbeat.interval.ms=500"
hs-consume -b "$BROKERS" -t s -G rs $fast >run1 2>run1.err &
pc=$!
hs_on_exit "kill $pc $producer"
wait_for 20 test -s run1 || fail "nothing consumed"
kill -TERM $pc
wait $pc && _st=0 || _st=$?; expect_eq "exit on SIGTERM" "$_st" 143
wait $producer || fail "producer failed"
n1=$(count_lines run1)
[ "$n1" -gt 0 ] && [ "$n1" -lt 3000 ] || fail "run1 read $n1: not mid-stream"

hs-consume -b "$BROKERS" -t s -G rs $fast -e >run2 2>run2.err ||
	{ cat run2.err >&2; fail "run2"; }
cat run1 run2 | jq -r .n | sort -n | uniq >all
expect_eq "distinct" "$(count_lines all)" 3000
expect_eq "duplicates" "$(($(count_lines run1) + $(count_lines run2) - 3000))" 0
