#!/bin/sh
# hs-consume: bad values are dead-lettered with their coordinates and
# consumption goes on; binary keys become base64; a value with a newline
# is a dead letter in value mode and flattened in event mode.
. "$HS_TESTS/cli/lib.sh"
need kcat jq
kafka_start --topic d:1 || fail "no mock cluster"

printf 'a:{"ok":1}#b:not json#c:[1,2]#\377\376:{"ok":2}#d:{"hs":5}#e:{\n"ok":3\n}#' |
	kcat -P -b "$BROKERS" -t d -K: -D '#' || fail produce

expect_exit 1 hs-consume -b "$BROKERS" -t d -e --dlq dlq >out 2>err
expect_eq "written" "$(count_lines out)" 3
expect_eq "dead letters" "$(count_lines dlq)" 3
expect_eq "reasons" "$(jq -r '"\(.kafka.offset) \(.reason)"' dlq | tr '\n' ,)" "1 invalid_json,2 not_object,4 reserved_member,"
expect_eq "topic" "$(jq -r .kafka.topic dlq | sort -u)" d
expect_eq "key kept" "$(jq -r .details.key dlq | tr '\n' ,)" "b,c,d,"
expect_eq "text" "$(jq -r 'select(.kafka.offset == 1) | .event_text' dlq)" "not json"
expect_eq "json" "$(jq -c 'select(.kafka.offset == 2) | .event' dlq)" "[1,2]"
expect_eq "binary key" "$(jq -c 'select(.ok == 2) | .hs.kafka.key' out)" '{"base64":"//4="}'
expect_eq "flattened" "$(jq -c 'select(.ok == 3) | .ok' out)" 3
grep -q '^{ "ok":3 ,"id":' out || fail "newlines not turned into spaces"

expect_exit 1 hs-consume -b "$BROKERS" -t d -e --envelope value --dlq vdlq >vout 2>err
expect_eq "value lines" "$(count_lines vout)" 5
expect_eq "value dlq" "$(jq -r '"\(.kafka.offset) \(.reason)"' vdlq)" "5 newline_in_value"
