#!/bin/sh
# hs-consume: CloudEvents in binary mode (ce_* headers) and structured
# mode (content-type application/cloudevents+json) map onto the event
# envelope; -F reads librdkafka properties from a file (comments, blank
# lines, a bad line located); --stats prints one row per partition.
. "$HS_TESTS/cli/lib.sh"
need kcat jq
kafka_start --topic ce:1 --topic st:2 || fail "no mock cluster"

printf '{"amount":5}' | kcat -P -b "$BROKERS" -t ce -k k1 \
	-H ce_id=c-1 -H ce_source=/shop -H ce_type=order.placed \
	-H ce_time=2026-11-26T00:00:00Z -H ce_specversion=1.0 || fail produce
printf '%s' '{"specversion":"1.0","id":"c-2","source":"/shop","type":"order.paid","time":"2026-11-26T01:00:00Z","subject":"o-9","data":{"amount":7},"traceparent":"00-ab"}' |
	kcat -P -b "$BROKERS" -t ce -k k2 \
	-H 'content-type=application/cloudevents+json; charset=utf-8' || fail produce
# ce_id alone is not binary mode: a plain event.
printf '{"plain":1}' | kcat -P -b "$BROKERS" -t ce -H ce_id=x || fail produce

hs-consume -b "$BROKERS" -t ce -e >out 2>err || { cat err >&2; fail "consume"; }
expect_eq "lines" "$(count_lines out)" 3
b=$(sed -n 1p out)
expect_eq "binary members" "$(echo "$b" | jq -c '[.id,.source,."detail-type",.time,.detail]')" \
	'["c-1","/shop","order.placed","2026-11-26T00:00:00Z",{"amount":5}]'
expect_eq "binary coordinates" "$(echo "$b" | jq -c '[.hs.kafka.offset,.hs.kafka.key]')" '[0,"k1"]'
expect_eq "binary headers kept" "$(echo "$b" | jq -r '.hs.kafka.headers | map(.[0]) | join(",")')" \
	"ce_id,ce_source,ce_type,ce_time,ce_specversion"
s=$(sed -n 2p out)
expect_eq "structured members" "$(echo "$s" | jq -c '[.id,.source,."detail-type",.time,.detail]')" \
	'["c-2","/shop","order.paid","2026-11-26T01:00:00Z",{"amount":7}]'
expect_eq "other attributes" "$(echo "$s" | jq -c .hs.cloudevents)" \
	'{"specversion":"1.0","subject":"o-9","traceparent":"00-ab"}'
expect_eq "structured offset" "$(echo "$s" | jq .hs.kafka.offset)" 1
expect_eq "plain with ce_id only" "$(sed -n 3p out | jq -c '[.plain,.id]')" '[1,"kafka:ce:0:2"]'

# A structured CloudEvent that is not an object is a dead letter.
printf '[1]' | kcat -P -b "$BROKERS" -t ce -H 'content-type=application/cloudevents+json' || fail produce
expect_exit 1 hs-consume -b "$BROKERS" -t ce -o 3 -e --dlq dlq >out2 2>err2
expect_eq "structured array" "$(jq -r .reason dlq)" not_object

# -F: a properties file; the property must take effect (a bad client.id
# charset is accepted, so check a value librdkafka refuses instead).
cat >ok.properties <<PROPS
# consumer settings
bootstrap.servers=$BROKERS

  fetch.wait.max.ms = 50
client.id=hs-test
PROPS
sed -i 's/ = /=/' ok.properties
hs-consume -F ok.properties -t ce -e -c 1 >fout 2>ferr || { cat ferr >&2; fail "-F"; }
expect_eq "-F gives the brokers" "$(count_lines fout)" 1
printf 'client.id=x\nfetch.wait.max.ms=banana\n' >bad.properties
expect_exit 2 hs-consume -F bad.properties -b "$BROKERS" -t ce -e >/dev/null 2>berr
expect_grep 'bad.properties:2:' berr
expect_exit 2 hs-consume -F missing.properties -b "$BROKERS" -t ce -e >/dev/null 2>merr
expect_grep "cannot open 'missing.properties'" merr

# --stats: a row per partition with its counts, next offset and lag.
awk 'BEGIN { for (i = 0; i < 10; i++) printf "k%d:{\"i\":%d}\n", i, i }' |
	kcat -P -b "$BROKERS" -t st -K: || fail produce
printf 'bad' | kcat -P -b "$BROKERS" -t st -p 0 || fail produce
expect_exit 1 hs-consume -b "$BROKERS" -t st -e --stats -q >sout 2>serr
grep 'stats topic=st partition=' serr | sort >rows
expect_eq "two partition rows" "$(count_lines rows)" 2
out=0 dlq=0
while read -r row; do
	o=$(echo "$row" | sed -n 's/.* out=\([0-9]*\).*/\1/p')
	d=$(echo "$row" | sed -n 's/.* dlq=\([0-9]*\).*/\1/p')
	nx=$(echo "$row" | sed -n 's/.* next_offset=\([0-9]*\).*/\1/p')
	hi=$(echo "$row" | sed -n 's/.* high=\([0-9]*\).*/\1/p')
	lag=$(echo "$row" | sed -n 's/.* lag=\([0-9]*\).*/\1/p')
	expect_eq "next = out + dlq" "$nx" "$((o + d))"
	expect_eq "high = next" "$hi" "$nx"
	expect_eq "no lag at the end" "$lag" 0
	out=$((out + o)) dlq=$((dlq + d))
done <rows
expect_eq "rows add up (out)" "$out" 10
expect_eq "rows add up (dlq)" "$dlq" 1
expect_eq "lines written" "$(count_lines sout)" 10
