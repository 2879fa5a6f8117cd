# Dead-letter records have one shape: tool, reason, message, position,
# and the original bytes (as a string when not JSON, base64 when not
# UTF-8).
need jq
printf '{"a":1,}\n\377\376\n{"x":"\\ud800"}\n' >in
expect_exit 1 hs-validate --dlq dlq in >out
[ ! -s out ] || fail "nothing should pass"
expect_eq records "$(count_lines dlq)" 3
jq -e -s '
  .[0].tool == "hs-validate" and .[0].reason == "invalid_json" and
  .[0].input == {"file":"in","line":1} and .[0].event_text == "{\"a\":1,}" and
  .[1].event_base64 == "//4=" and .[1].input.line == 2 and
  (.[2].reason | test("invalid")) and (.[0].time | test("Z$")) and
  (.[0].message | length > 0)' dlq >/dev/null || { cat dlq >&2; fail "record shape"; }
