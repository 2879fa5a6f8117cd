# e2e: two regions, two hubs (mock clusters A and B).
#  - copy: hs-consume --envelope record from A into hs-fanout's kafka target
#    on B copies the topic with keys, headers, timestamps and partitions
#    (read back with kcat -C -J on both sides);
#  - active-active: a consumer of both regions sees each event once after
#    hs-validate --unique /id --drop-duplicates;
#  - failover: after A stops, B's consumer continues from a time-based
#    position (-o s@TIME) with no gap.
need kcat jq
. "$HS_TESTS/cli/e2e/pipe.sh"
kafka_start --topic media:4 || fail "no mock cluster A"
A=$BROKERS
"$HS_TBIN/kafka-mock" --topic media:4 --port-file b.port --control b.ctl \
	>b.reply 2>b.err </dev/null &
kb=$!
hs_on_exit "kill $kb"
wait_for 10 test -s b.port || fail "no mock cluster B"
B=$(cat b.port)

e2e_gen 500 --invalid 0 --ids64 0
head -n 300 source.ndjson >batch1
tail -n 200 source.ndjson >batch2
# Producers everywhere use Kafka's default (Java) murmur2 partitioner.
produce() { # produce BROKERS FILE ORIGIN
	jq -r '"\(.detail.assetId)\t\(tojson)"' "$2" |
		kcat -P -b "$1" -t media -K '	' -H "origin=$3" -H "trace=t-$3" \
			-X partitioner=murmur2_random || fail "kcat -P"
}
cat >copy.json <<'X'
[{"name": "a-to-b", "pattern": {"topic": ["media"]}, "targets": ["kafka://media"]}]
X
copy() {
	hs-consume -b "$A" -t media -G mirror -e --envelope record 2>copy.err |
		hs-fanout -b "$B" --rules copy.json --stats 2>>copy.err ||
		fail "copy: $(cat copy.err)"
}
produce "$A" batch1 A
copy
# the application in region A reads batch 1, then region A fails
hs-consume -b "$A" -t media -G app -e >out.a 2>/dev/null || fail "consume A"
sleep 1.2
produce "$A" batch2 A
copy

# the copy: same partition, key, headers, timestamp and value per record
rec() { kcat -C -b "$1" -t media -e -q -J | jq -c '[.partition, .key, .headers, .ts, .payload]' | sort; }
rec "$A" >a.json
rec "$B" >b.json
expect_eq "records copied" "$(count_lines b.json)" 500
expect_file_eq b.json a.json
expect_grep '"origin","A","trace","t-A"' b.json

# active-active: region B also has local events; a consumer of both
# regions sees each event once after hs-validate --unique
"$HS_TBIN/gen-events" -n 100 -s 99 --start-ms 1795700000000 >local.b
produce "$B" local.b B
{
	hs-consume -b "$A" -t media -e -q 2>/dev/null
	hs-consume -b "$B" -t media -e -q 2>/dev/null
} | hs-validate --unique /id --drop-duplicates --stats >once 2>once.err ||
	fail "validate: $(cat once.err)"
expect_eq "events once" "$(count_lines once)" 600
expect_eq "distinct" "$(jq -r .id once | sort -u | wc -l | tr -d ' ')" 600
expect_grep 'in=1100 out=600 dlq=0 filtered=500' once.err

# failover: B continues at the time of the last record region A's
# application processed; together the two runs read every event, and
# twice only the records of that very millisecond
t=$(jq -r '.hs.kafka.timestamp' out.a | sort -n | tail -1)
kafka_stop
hs-consume -b "$B" -t media -o "s@$t" -e >out.b 2>/dev/null || fail "consume B from s@$t"
cat out.a out.b | jq -r .id | sort -u >got.ids
cat source.ndjson local.b | jq -r .id | sort >want.ids
expect_file_eq got.ids want.ids
dups=$(cat out.a out.b | jq -r .id | sort | uniq -d | wc -l | tr -d ' ')
expect_eq "read in both regions" "$dups" "$(jq -r --argjson t "$t" 'select(.hs.kafka.timestamp == $t) | .id' out.a | wc -l | tr -d ' ')"
echo "report: failover at s@$t; $(count_lines out.b) read from B, $dups read twice (same millisecond)" >&2
