#!/bin/sh
# hs-consume: 3000 keyed JSON events over 6 partitions, produced by kcat,
# each delivered exactly once in -e mode, with coordinates that agree
# with kcat's own consumer.
. "$HS_TESTS/cli/lib.sh"
need kcat jq
kafka_start --topic ev:6 || fail "no mock cluster"

awk 'BEGIN { for (i = 1; i <= 3000; i++)
	printf "k%d:{\"n\":%d,\"big\":12345678901234567890.50}\n", i, i }' >in
kcat -P -b "$BROKERS" -t ev -K: <in || fail "kcat produce"

hs-consume -b "$BROKERS" -t ev -e >events 2>err || { cat err >&2; fail "event mode"; }
expect_eq "events" "$(count_lines events)" 3000
# Each value once, every id distinct and derived from the coordinates.
jq -r '.n' events | sort -n | uniq >ns
expect_eq "distinct values" "$(count_lines ns)" 3000
jq -r 'select(.id == "kafka:\(.hs.kafka.topic):\(.hs.kafka.partition):\(.hs.kafka.offset)") | .id' events | sort -u >ids
expect_eq "derived ids" "$(count_lines ids)" 3000
# The number literal survives byte for byte.
expect_eq "literal kept" "$(grep -c '"big":12345678901234567890.50,' events)" 3000
expect_eq "partitions" "$(jq -r .hs.kafka.partition events | sort -u | tr '\n' ' ')" "0 1 2 3 4 5 "

# record mode agrees with kcat -J on topic, partition, offset, key, payload.
hs-consume -b "$BROKERS" -t ev -e --envelope record >records || fail "record mode"
kcat -C -b "$BROKERS" -t ev -e -q -J >kcat.json || fail "kcat consume"
# (jq would round the long number, so compare .n and check the literal.)
jq -c '[.topic, .partition, .offset, .key, .value.n]' records | sort >a
jq -c '[.topic, .partition, .offset, .key, (.payload | fromjson | .n)]' kcat.json | sort >b
expect_eq "records" "$(count_lines a)" 3000
expect_file_eq a b
expect_eq "embedded" "$(grep -c '"value":{"n":[0-9]*,"big":12345678901234567890.50}}$' records)" 3000
