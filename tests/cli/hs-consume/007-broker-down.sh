#!/bin/sh
# hs-consume: a broker goes down and comes back mid-stream; the consumer
# reports, retries and loses nothing.
. "$HS_TESTS/cli/lib.sh"
need kcat jq
kafka_start --topic f:4 || fail "no mock cluster"
kafka_ctl leader f 0 1 && kafka_ctl leader f 1 2 && kafka_ctl leader f 2 3 ||
	fail "leaders"

hs-consume -b "$BROKERS" -t f -G fg -u >out 2>err &
pc=$!
hs_on_exit "kill $pc"
awk 'BEGIN { for (i = 1; i <= 1000; i++) printf "k%d:{\"n\":%d}\n", i, i }' |
	kcat -P -b "$BROKERS" -t f -K: || fail produce
wait_for 20 test -s out || fail "nothing consumed"
kafka_ctl down 1 || fail "down"
awk 'BEGIN { for (i = 1001; i <= 2000; i++) printf "k%d:{\"n\":%d}\n", i, i }' |
	kcat -P -b "$BROKERS" -t f -K: -X message.timeout.ms=30000 2>/dev/null &
pp=$!
sleep 2
kafka_ctl up 1 || fail "up"
wait $pp || fail "producer failed"
all() { [ "$(count_lines out)" -ge 2000 ]; }
wait_for 30 all || fail "only $(count_lines out) of 2000"
kill -TERM $pc
wait $pc && _st=0 || _st=$?; expect_eq "exit on SIGTERM" "$_st" 143
expect_eq "distinct" "$(jq -r .n out | sort -u | wc -l | tr -d ' ')" 2000
