# A schema with two recursive references per level takes time exponential
# in the instance's depth, which the event controls: a step budget makes
# such an event a dead letter (schema_limit) in bounded time, and the
# events after it are still checked.
echo '{"allOf":[{"items":{"$ref":"#"}},{"items":{"$ref":"#"}}]}' >s.json
python3 -c 'print("[" * 60 + "]" * 60); print("[[1]]")' >in.ndjson ||
	skip "no python3"
start=$(date +%s)
expect_exit 1 hs-validate --schema s.json --dlq dlq in.ndjson >out
[ $(($(date +%s) - start)) -lt 20 ] || fail "took more than 20 s"
expect_eq "passed" "$(cat out)" "[[1]]"
expect_grep '"reason":"schema_limit"' dlq
