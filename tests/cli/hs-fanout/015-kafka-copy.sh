# kafka: a topic copied through hs-consume --envelope record keeps every
# record's partition number, key (null keys too), headers, timestamp and
# value; into a topic with fewer partitions, records from partitions it
# lacks fall back to the murmur2 key partitioner (as kcat with
# partitioner=murmur2_random places the same keys), and ?partition=key
# uses the key partitioner for all.
need kcat jq
kafka_start --topic src:4 --topic dst:4 --topic small:2 --topic ref:2 --topic bykey:4 ||
	fail "no mock cluster"
for p in 0 1 2 3; do
	i=0
	while [ $i -lt 10 ]; do echo "k$p-$i:{\"p\":$p,\"i\":$i}"; i=$((i + 1)); done |
		kcat -P -b "$BROKERS" -t src -p $p -K: -H h1=a -H "h2=p$p" || fail "kcat -P"
	printf '{"p":%s,"null":1}\n{"p":%s,"null":2}\n' $p $p |
		kcat -P -b "$BROKERS" -t src -p $p || fail "kcat -P null keys"
done
cat >rules.json <<'EOF'
[{"name":"copy","pattern":{"topic":["src"]},
  "targets":["kafka://dst","kafka://small","kafka://bykey?partition=key"]}]
EOF
hs-consume -b "$BROKERS" -t src -e --envelope record 2>consume.err |
	hs-fanout -b "$BROKERS" --stats --rules rules.json 2>err || fail "exit $?: $(cat err consume.err)"
dump() { kcat -C -b "$BROKERS" -t "$1" -e -q -J | jq -c '{partition,key,headers,ts,tstype,payload}' | sort; }
dump src >src.j
dump dst >dst.j
expect_eq "records" "$(count_lines src.j)" 48
expect_file_eq dst.j src.j
grep -q '"key":null' dst.j || fail "no null-key record"
grep -q '"headers":\["h1","a","h2","p3"\]' dst.j || fail "headers not copied"
# small: partitions 0 and 1 kept, 2 and 3 by the key's murmur2
dump small >small.j
expect_eq "records in small" "$(count_lines small.j)" 48
jq -c 'select(.partition < 2)' src.j | sort >want.low
jq -c 'select(.payload | fromjson | .p < 2)' small.j | sort >got.low
expect_file_eq got.low want.low
for p in 2 3; do
	i=0
	while [ $i -lt 10 ]; do echo "k$p-$i:x"; i=$((i + 1)); done
done | kcat -P -b "$BROKERS" -t ref -K: -X partitioner=murmur2_random || fail "kcat ref"
kcat -C -b "$BROKERS" -t ref -e -q -J | jq -r '"\(.key) \(.partition)"' | sort >want.keyed
jq -r 'select(.key != null and (.payload | fromjson | .p >= 2)) | "\(.key) \(.partition)"' small.j | sort >got.keyed
expect_eq "keyed fallbacks" "$(count_lines got.keyed)" 20
expect_file_eq got.keyed want.keyed
# partition=key: every keyed record where murmur2 puts it
kcat -C -b "$BROKERS" -t bykey -e -q -J >bykey.j
moved=$(jq -r 'select(.key != null) | "\(.key) \(.partition)"' bykey.j | awk '{split($1, a, "[k-]"); if (a[2] != $2) n++} END {print n + 0}')
[ "$moved" -gt 0 ] || fail "partition=key kept every source partition"
expect_grep 'target:kafka://dst=48/48/0' err
