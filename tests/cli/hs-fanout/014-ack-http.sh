# --ack: an event is acknowledged to hs-consume only once every target it
# went to confirmed it.  An HTTP target answers 500 for a while and then
# slowly; the pipe is killed (SIGKILL, no flushing) mid-stream and started
# again in the same group: every event arrives, and the restart redelivers
# only what was not acknowledged (acknowledging events when queued, or
# when the slow file target alone had them, would lose the rest).
need setsid python3
kafka_start --topic ev:2 || fail "no mock cluster"
i=0
while [ $i -lt 300 ]; do echo "{\"id\":\"e$i\",\"source\":\"s\"}"; i=$((i + 1)); done >src
echo '[{"name":"p","pattern":{"id":[{"exists":true}]},"targets":[{"uri":"kafka://ev","key":"/id"}]}]' >pub.json
hs-fanout -q -b "$BROKERS" --rules pub.json src || fail "publish"
python3 "$HS_TESTS/services/http-receiver.py" --port-file port --log got \
	--fail 5 --delay 0.01 2>receiver.err &
rpid=$!
hs_on_exit "kill $rpid"
wait_for 10 test -s port || fail "receiver did not start"
cat >rules.json <<EOF
[{"name":"r","pattern":{"source":["s"]},
  "targets":["file:all.ndjson",
             {"uri":"http://127.0.0.1:$(cat port)/","retry":{"attempts":100,"max_age":600}}]},
 {"name":"none","pattern":{"source":["nobody"]},"targets":["file:none.ndjson"]}]
EOF
cat >run <<EOF
hs-consume -b "$BROKERS" -t ev -G g -X session.timeout.ms=6000 -X auto.commit.interval.ms=100 --ack "$PWD/ack.fifo" \$1 2>>consume.err |
hs-fanout --rules rules.json --ack "$PWD/ack.fifo" --stats 2>>fanout.err
EOF
setsid sh run &
pg=$!
hs_on_exit "kill -KILL -$pg"
received() { [ -f got ] && [ "$(count_lines got)" -ge "$1" ]; }
wait_for 30 received 100 || fail "the HTTP target got nothing: $(cat fanout.err)"
expect_eq "file target had everything" "$(count_lines all.ndjson)" 300
kill -KILL -$pg
wait $pg || : # killed
sleep 0.3
first=$(count_lines got)
[ "$first" -lt 300 ] || skip "the first run delivered everything before the kill"
timeout 60 sh run -e || fail "restart: $(cat consume.err fanout.err)"
ids() { sed 's/.*"id":"\(e[0-9]*\)".*/\1/' "$1"; }
ids got >got.all
sort -u got.all >got.ids
ids src | sort >want.ids
comm -23 want.ids got.ids >lost
[ ! -s lost ] || fail "$(count_lines lost) acknowledged events never reached the HTTP target, e.g. $(head -3 lost | tr '\n' ' ')"
dups=$(($(count_lines got.all) - $(count_lines got.ids)))
echo "report: killed after $first of 300 deliveries; $dups redelivered after the restart" >&2
[ "$dups" -lt "$first" ] || fail "$dups redelivered: the delivered events were not acknowledged"
expect_grep 'rule:none=0' fanout.err
