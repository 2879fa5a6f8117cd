# e2e: end-to-end acknowledgement.  Every stage reports finished events to
# hs-consume --ack, which commits only offsets the whole pipe finished.  A
# slow spoke is killed mid-stream, then the whole pipe is killed (SIGKILL,
# no chance to flush) and restarted in the same group: every event the
# rules select is delivered, and redelivery is limited to events that were
# not yet acknowledged (far fewer than the first run had read).
# hs-test: serial (bounded waits for a slow spoke and its restart; it
# failed once with other tests loading the machine)
need jq setsid
. "$HS_TESTS/cli/e2e/pipe.sh"
hs-consume --help | grep -q -- '--ack' || skip "hs-consume --ack has not landed"
kafka_start --topic media:2 || fail "no mock cluster"
e2e_gen 800 --ids64 0
e2e_want
e2e_publish source.ndjson || fail "publish"
# probe: does the final stage acknowledge what it delivered?
echo '[{"name":"p","pattern":{"id":[{"exists":true}]},"targets":["file:probe.out"]}]' >probe.json
hs-consume -b "$BROKERS" -t media -G probe -c 1 --ack "$PWD/probe.fifo" --ack-timeout 3s 2>probe.err |
	hs-fanout --rules probe.json --ack "$PWD/probe.fifo" 2>>probe.err || :
! grep -q 'not acknowledged' probe.err ||
	skip "hs-fanout --ack does not acknowledge delivered events yet: $(grep 'not ack' probe.err)"
d=$PWD
cat >rules.json <<EOF2
[{"name":"slow","pattern":{"source":[{"prefix":"com.example."}]},
  "targets":["exec:sh -c 'echo \$\$ >$d/spoke.pid; while read -r l; do printf \"%s\\\\n\" \"\$l\" >>$d/spoke.ndjson; sleep 0.005; done'"]}]
EOF2
cat >run <<EOF2
a="--ack $d/ack.fifo"
hs-consume -b "$BROKERS" -t media -G g -X session.timeout.ms=6000 -X auto.commit.interval.ms=200 \$a \$1 2>consume.err |
hs-validate --registry "$E2E_DEMO/schemas" --ref-map "https://schemas.example.com/=$E2E_DEMO/schemas/" --dlq dlq.ndjson \$a |
hs-transform -f "$E2E_DEMO/normalize.jq" --dlq dlq.ndjson \$a |
hs-claimcheck put --store file:$d/claims --dlq dlq.ndjson \$a |
hs-fanout --rules rules.json --dlq dlq.ndjson \$a 2>fanout.err
EOF2
mkdir claims
setsid sh run &
pg=$!
hs_on_exit "kill -KILL -$pg"
lines() { [ -f spoke.ndjson ] && wc -l <spoke.ndjson | tr -d ' ' || echo 0; }
wait_for 30 sh -c '[ -f spoke.ndjson ] && [ $(wc -l <spoke.ndjson) -ge 150 ]' || fail "slow spoke got nothing"
kill -KILL "$(cat spoke.pid)"
wait_for 10 sh -c '[ $(wc -l <spoke.ndjson) -ge 300 ]' || fail "spoke not restarted"
kill -KILL -$pg
wait $pg || : # killed
first=$(lines)
[ "$first" -lt "$(count_lines want.archive)" ] || skip "the first run delivered everything before the kill"
sed -i 's/\$a \$1/$a -e/' run
timeout 60 sh run || fail "restart"
e2e_ids spoke.ndjson >got.all
sort -u got.all >got.archive
comm -23 want.archive got.archive >lost
[ ! -s lost ] || fail "$(count_lines lost) acknowledged events never delivered, e.g. $(head -2 lost | tr '\n' ' ')"
dups=$(($(count_lines got.all) - $(count_lines got.archive)))
echo "report: killed after $first deliveries; $dups redelivered after the restart" >&2
[ "$dups" -lt "$first" ] || fail "$dups redelivered: the first run's acknowledgements were not committed"
