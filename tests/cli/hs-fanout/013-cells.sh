# Cells: --cells 4 --cell-key picks {cell} with Kafka's murmur2
# partitioner, so each event's cell file equals the partition the same
# key gets on a 4-partition topic (produced by kcat with librdkafka's own
# murmur2 partitioner, independent of hs-fanout).  Events without the key
# go to cell 0.
need kcat
kafka_start --topic p:4 || fail "no mock cluster"
cat >rules.json <<'X'
[{"name":"r","pattern":{"source":["a"]},"targets":["file:cell-{cell}.ndjson"]}]
X
awk 'BEGIN { for (i = 0; i < 300; i++) printf "{\"source\":\"a\",\"id\":\"user-%d\"}\n", i * 7919 }' >in
echo '{"source":"a"}' >>in
hs-fanout --cells 4 --cell-key /id --rules rules.json in 2>err || fail "exit $?: $(cat err)"
for c in 0 1 2 3; do
	[ -s cell-$c.ndjson ] || fail "cell $c empty"
	sed -n 's/.*"id":"\([^"]*\)".*/\1/p' cell-$c.ndjson | sed "s/\$/ $c/"
done | sort >ours
grep -q '^{"source":"a"}$' cell-0.ndjson || fail "keyless event not in cell 0"
sed -n 's/.*"id":"\([^"]*\)".*/\1:x/p' in | kcat -P -b "$BROKERS" -t p -K: \
	-X topic.partitioner=murmur2 || fail "kcat -P"
kcat -C -b "$BROKERS" -t p -e -q -f '%k %p\n' | sort >theirs
expect_eq "keys" "$(count_lines theirs)" 300
expect_file_eq ours theirs
