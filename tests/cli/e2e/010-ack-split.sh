# e2e: --ack through stages that make several events of one (issue 16
# item 2).  hs-transform makes two halves of each event, a second
# hs-transform drops some first halves, hs-fanout delivers first halves
# to a file and second halves to an HTTP target that answers 503 all the
# time.  Every first half is delivered, no second half: hs-consume must
# not commit past any event, so after SIGKILL of the whole pipe and a
# restart (the target now answering 200) the group reads all 200 events
# again and every second half arrives.  The rule it proves: an input
# event is finished only when every event made from it, through any
# number of stages, is finished.
need setsid
. "$HS_TESTS/cli/e2e/pipe.sh"
. "$HS_TESTS/cli/hs-fanout/http.sh"
kafka_start --topic ev:2 || fail "no mock cluster"
e2e_small 200 ev || fail "publish"
http_receiver --log got --status 503
rules() {
	cat >rules.json <<-EOF2
	[{"name":"first","pattern":{"part":[0]},"targets":["file:first.ndjson"]},
	 {"name":"second","pattern":{"part":[1]},
	  "targets":[{"uri":"http://127.0.0.1:$port/","retry":{"attempts":1000,"max_age":600}}]}]
	EOF2
}
rules
cat >run <<EOF2
a="--ack $PWD/ack.fifo"
hs-consume -b "$BROKERS" -t ev -G g -X session.timeout.ms=6000 -X auto.commit.interval.ms=100 \$a --stats \$1 2>consume.err |
hs-transform '{id, hs, detail, part: (0, 1)}' \$a 2>>transform.err |
hs-transform 'select(.part == 1 or .detail.i % 2 == 0)' \$a 2>>transform.err |
hs-fanout \$a --rules rules.json 2>>fanout.err
EOF2
setsid sh run &
pg=$!
hs_on_exit "kill -KILL -$pg"
wait_for 30 sh -c '[ -f first.ndjson ] && [ $(wc -l <first.ndjson) -ge 100 ]' ||
	fail "first halves not delivered: $(cat consume.err fanout.err)"
wait_for 10 sh -c '[ -f got.rejected ] && [ $(wc -l <got.rejected) -ge 3 ]' ||
	fail "the HTTP target was not tried"
# wait for a commit interval to pass after every first half was delivered
# (hs-consume reads them all at once: 200 events is far below its buffers)
n=$(count_lines got.rejected)
wait_for 10 sh -c "[ \$(wc -l <got.rejected) -ge $((n + 3)) ]" || fail "no retries"
kill -KILL -$pg
wait $pg || : # killed
[ ! -s got ] || fail "the 503 target accepted something"
http_receiver_stop
http_receiver --log got
rules
timeout 60 sh run -e || fail "restart: $(cat consume.err transform.err fanout.err)"
expect_grep 'stats in=200 ' consume.err
sed 's/.*"id":"\(e[0-9]*\)".*/\1/' got | sort -u >got.ids
sed 's/.*"id":"\(e[0-9]*\)".*/\1/' src | sort >want.ids
comm -23 want.ids got.ids >lost
[ ! -s lost ] || fail "$(count_lines lost) second halves never delivered, e.g. $(head -3 lost | tr '\n' ' ')"
