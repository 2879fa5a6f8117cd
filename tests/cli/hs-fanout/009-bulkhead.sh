# Bulkhead: a dead HTTP target (nothing listens) fails alone; the file
# target still gets every event, and the dead target's events are each
# dead-lettered once after its retries.  Counts add up.
python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' >port 2>/dev/null ||
	skip "no python3"
cat >rules.json <<X
[{"name":"r","pattern":{"n":[{"exists":true}]},
  "targets":["file:ok.ndjson",
             {"uri":"http://127.0.0.1:$(cat port)/","retry":{"attempts":1},"queue":4,"timeout":1}]}]
X
i=0
while [ $i -lt 200 ]; do echo "{\"n\":$i}"; i=$((i + 1)); done >in
start=$(date +%s)
expect_exit 75 hs-fanout --stats --dlq dlq.ndjson --rules rules.json in 2>err
expect_file_eq ok.ndjson in
expect_eq "dead letters" "$(count_lines dlq.ndjson)" 200
[ $(($(date +%s) - start)) -lt 60 ] || fail "the dead target held things up"
expect_grep 'target:file:ok.ndjson=200/200/0' err
grep -q "target:http://127.0.0.1:$(cat port)/=200/0/200" err || fail "dead target counts: $(cat err)"
