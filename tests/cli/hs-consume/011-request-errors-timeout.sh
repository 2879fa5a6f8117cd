#!/bin/sh
# hs-consume: injected Fetch and OffsetCommit errors are retried and lose
# nothing; with --timeout a cluster that stays unreachable ends the run
# with 75 within the timeout; without a cluster at all as well.
# hs-test: serial (bounds elapsed time)
. "$HS_TESTS/cli/lib.sh"
need kcat jq
kafka_start --topic r:2 || fail "no mock cluster"
awk 'BEGIN { for (i = 1; i <= 500; i++) printf "k%d:{\"n\":%d}\n", i, i }' |
	kcat -P -b "$BROKERS" -t r -K: || fail produce

# The mock cluster ignores LeaveGroup: keep sessions short, or the second
# run waits for the first member to expire.
fast="-X session.timeout.ms=6000 -X heartbeat.interval.ms=500"

# Errors on the next fetches: a retriable one, then a leader change.
kafka_ctl error Fetch NOT_LEADER_FOR_PARTITION 3 || fail "inject"
kafka_ctl error Fetch REQUEST_TIMED_OUT 3 || fail "inject"
# shellcheck disable=SC2086
hs-consume -b "$BROKERS" -t r -G rg -e $fast >out1 2>err1 || { cat err1 >&2; fail "run with fetch errors"; }
expect_eq "every record once" "$(jq -r .n out1 | sort -u | wc -l | tr -d ' ')" 500
expect_eq "no duplicate" "$(count_lines out1)" 500

# Commit errors: the offsets still get committed in the end.
awk 'BEGIN { for (i = 501; i <= 600; i++) printf "k%d:{\"n\":%d}\n", i, i }' |
	kcat -P -b "$BROKERS" -t r -K: || fail produce
kafka_ctl error OffsetCommit COORDINATOR_LOAD_IN_PROGRESS 2 || fail "inject"
# shellcheck disable=SC2086
hs-consume -b "$BROKERS" -t r -G rg -e $fast >out2 2>err2 || { cat err2 >&2; fail "run with commit errors"; }
expect_eq "only the new records" "$(jq -r .n out2 | sort -n | sed -n '1p;$p' | tr '\n' ,)" "501,600,"
expect_eq "count" "$(count_lines out2)" 100

# The cluster goes away: with --timeout 2s the run ends with 75 in time.
dead=$BROKERS
kafka_stop
start=$(date +%s)
expect_exit 75 hs-consume -b "$dead" -t r -G rg -e -q --timeout 2s >out3 2>err3
took=$(($(date +%s) - start))
[ "$took" -le 12 ] || fail "took ${took}s to give up"
expect_grep 'unreachable for 2s' err3
expect_eq "nothing written" "$(count_lines out3)" 0
# Without a group the start-up metadata lookup is bounded by it too.
start=$(date +%s)
expect_exit 75 hs-consume -b "$dead" -t r -e -q --timeout 2s >/dev/null 2>err4
took=$(($(date +%s) - start))
[ "$took" -le 10 ] || fail "direct assignment took ${took}s to give up"
expect_exit 2 hs-consume -b "$dead" -t r --timeout soon
