#!/bin/sh
# hs-consume: two members of one group, both with -e, the second joining
# while the first reads: the rebalance between them makes neither exit 75
# (the commit refused while the group rebalances is tried again once it
# has settled); each ends with 0 after committing what it delivered,
# together they delivered every record, and a third run of the group
# finds nothing left to read.
. "$HS_TESTS/cli/lib.sh"
need kcat jq
n=20000
kafka_start --topic e:4 || fail "no mock cluster"
awk -v n=$n 'BEGIN { for (i = 1; i <= n; i++) printf "k%d:{\"n\":%d}\n", i, i }' |
	kcat -P -b "$BROKERS" -t e -K: || fail produce

# The mock cluster ignores LeaveGroup: keep sessions short, or a later
# join waits for a member that left to expire.
fast="-X session.timeout.ms=6000 -X heartbeat.interval.ms=500"
# shellcheck disable=SC2086
hs-consume -b "$BROKERS" -t e -G eg -e $fast >a 2>a.err &
pa=$!
hs_on_exit "kill $pa 2>/dev/null"
wait_for 20 test -s a || fail "member a read nothing"
# shellcheck disable=SC2086
hs-consume -b "$BROKERS" -t e -G eg -e $fast >b 2>b.err &
pb=$!
hs_on_exit "kill $pb 2>/dev/null"
wait $pa && sa=0 || sa=$?
wait $pb && sb=0 || sb=$?
[ "$sa" = 0 ] || { cat a.err >&2; fail "member a exited $sa"; }
[ "$sb" = 0 ] || { cat b.err >&2; fail "member b exited $sb"; }
expect_eq "every record" "$(cat a b | jq -r .n | sort -u | wc -l | tr -d ' ')" $n
echo "report: hs-consume 014: $(cat a b | wc -l | tr -d ' ') lines for $n records" >&2

# shellcheck disable=SC2086
hs-consume -b "$BROKERS" -t e -G eg -e $fast >c 2>c.err || { cat c.err >&2; fail "third run"; }
expect_eq "nothing left uncommitted" "$(count_lines c)" 0
