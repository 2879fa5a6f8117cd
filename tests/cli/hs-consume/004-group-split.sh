#!/bin/sh
# hs-consume: two processes in one group split the partitions; together
# they deliver every record exactly once (no rebalance while producing).
# hs-test: serial (a fixed wait for the group to settle, which under the
# load of other tests ran out before both members had joined: 0 records)
. "$HS_TESTS/cli/lib.sh"
need kcat jq
kafka_start --topic g:6 || fail "no mock cluster"

hs-consume -b "$BROKERS" -t g -G grp -u >a 2>a.err &
pa=$!
hs-consume -b "$BROKERS" -t g -G grp -u >b 2>b.err &
pb=$!
hs_on_exit "kill $pa $pb"
sleep 6 # both join and the group settles

awk 'BEGIN { for (i = 1; i <= 2000; i++) printf "k%d:{\"n\":%d}\n", i, i }' |
	kcat -P -b "$BROKERS" -t g -K: || fail produce
total() { [ $(($(count_lines a) + $(count_lines b))) -ge 2000 ]; }
wait_for 30 total || fail "only $(count_lines a) + $(count_lines b) records"
sleep 0.5
kill -TERM $pa $pb
wait $pa; expect_eq "exit a" $? 143
wait $pb; expect_eq "exit b" $? 143

[ "$(count_lines a)" -gt 0 ] || fail "consumer a got nothing"
[ "$(count_lines b)" -gt 0 ] || fail "consumer b got nothing"
cat a b | jq -r .n | sort -n | uniq >all
expect_eq "distinct" "$(count_lines all)" 2000
expect_eq "total" "$(cat a b | wc -l | tr -d ' ')" 2000
jq -r .hs.kafka.partition a | sort -u >pa
jq -r .hs.kafka.partition b | sort -u >pb
expect_eq "shared partitions" "$(comm -12 pa pb | wc -l | tr -d ' ')" 0
