# kafka: events produced to a topic on the mock cluster (read back with
# kcat) with their key taken from the event; a record-shaped line is
# produced with its own key, headers and value.
need kcat
kafka_start --topic t:4 --topic copy:2 || fail "no mock cluster"
cat >rules.json <<'X'
[{"name":"r","pattern":{"source":["a"]},
  "targets":[{"uri":"kafka://t","key":"/detail/id"}]},
 {"name":"rec","pattern":{"topic":["orig"]},"targets":["kafka://copy"]}]
X
i=0
while [ $i -lt 50 ]; do echo "{\"source\":\"a\",\"detail\":{\"id\":\"k$i\"}}"; i=$((i + 1)); done >in
echo '{"topic":"orig","partition":3,"offset":7,"timestamp":1700000000000,"key":"rk","headers":[["h1","v1"]],"value":{"x":1}}' >>in
hs-fanout --stats -b "$BROKERS" -X linger.ms=5 --rules rules.json in 2>err || fail "exit $?: $(cat err)"
kcat -C -b "$BROKERS" -t t -e -q -f '%k %s\n' >got || fail "kcat"
expect_eq "messages" "$(count_lines got)" 50
awk '{print $2}' got | sort >got.v
sed -n '1,50p' in | sort >want.v
expect_file_eq got.v want.v
grep -q '^k7 {"source":"a","detail":{"id":"k7"}}$' got || fail "key not from /detail/id"
kcat -C -b "$BROKERS" -t copy -e -q -f '%k|%h|%T|%s\n' >rec || fail "kcat copy"
expect_eq "record copy" "$(cat rec)" 'rk|h1=v1|1700000000000|{"x":1}'
expect_grep 'target:kafka://t=50/50/0' err
