#!/bin/sh
# hs-consume: two processes in one group split the partitions; together
# they deliver every record exactly once (no rebalance while producing).
. "$HS_TESTS/cli/lib.sh"
need kcat jq
kafka_start --topic g:6 || fail "no mock cluster"

hs-consume -b "$BROKERS" -t g -G grp -u >a 2>a.err &
pa=$!
hs-consume -b "$BROKERS" -t g -G grp -u >b 2>b.err &
pb=$!
hs_on_exit "kill $pa $pb"
# The group has settled with both members once each has read a probe: the
# member that joined last reads only after the two-member assignment.
probe() {
	for p in 0 1 2 3 4 5; do
		echo '{"probe":1}' | kcat -P -b "$BROKERS" -t g -p $p || return 1
	done
	[ -s a ] && [ -s b ]
}
wait_for 60 probe || fail "the group did not settle: $(count_lines a) + $(count_lines b) probes"

awk 'BEGIN { for (i = 1; i <= 2000; i++) printf "k%d:{\"n\":%d}\n", i, i }' |
	kcat -P -b "$BROKERS" -t g -K: || fail produce
real() { grep -vc '"probe"' "$1"; }
total() { [ $(($(real a) + $(real b))) -ge 2000 ]; }
wait_for 30 total || fail "only $(real a) + $(real b) records"
sleep 0.5
kill -TERM $pa $pb
wait $pa && _st=0 || _st=$?; expect_eq "exit a" "$_st" 143
wait $pb && _st=0 || _st=$?; expect_eq "exit b" "$_st" 143
grep -v '"probe"' a >a.real
grep -v '"probe"' b >b.real
mv a.real a
mv b.real b

[ "$(count_lines a)" -gt 0 ] || fail "consumer a got nothing"
[ "$(count_lines b)" -gt 0 ] || fail "consumer b got nothing"
cat a b | jq -r .n | sort -n | uniq >all
expect_eq "distinct" "$(count_lines all)" 2000
expect_eq "total" "$(cat a b | wc -l | tr -d ' ')" 2000
jq -r .hs.kafka.partition a | sort -u >pa
jq -r .hs.kafka.partition b | sort -u >pb
expect_eq "shared partitions" "$(comm -12 pa pb | wc -l | tr -d ' ')" 0
