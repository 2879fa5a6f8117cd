# e2e: --ack through a filtering stage (issue 16 item 1).  hs-consume |
# hs-transform 'select(...)' | hs-fanout, all with --ack, on 200 events:
# the filtered third is acknowledged by hs-transform, the rest by
# hs-fanout, so every event is finished and the commits reach the end of
# both partitions: the group started again reads nothing.
. "$HS_TESTS/cli/e2e/pipe.sh"
kafka_start --topic ev:2 || fail "no mock cluster"
e2e_small 200 ev || fail "publish"
echo '[{"name":"r","pattern":{"source":["s"]},"targets":["file:out.ndjson"]}]' >rules.json
a="--ack $PWD/ack.fifo"
g="-G g -X session.timeout.ms=6000"
timeout 60 hs-consume -b "$BROKERS" -t ev $g -e $a --stats 2>consume.err |
	hs-transform 'select(.detail.i % 3 != 0)' $a --stats 2>transform.err |
	hs-fanout $a --rules rules.json --stats 2>fanout.err ||
	fail "pipe: $(cat consume.err transform.err fanout.err)"
expect_eq "delivered" "$(count_lines out.ndjson)" 133
expect_grep 'filtered=67' transform.err
expect_grep ' unacked=0' transform.err
expect_no_grep 'not acknowledged' consume.err
# committed to the end: the group reads nothing more
timeout 60 hs-consume -b "$BROKERS" -t ev $g -e --stats >again 2>again.err ||
	fail "restart: $(cat again.err)"
expect_eq "read again after the commits" "$(count_lines again)" 0
