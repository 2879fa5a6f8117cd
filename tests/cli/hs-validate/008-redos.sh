# A catastrophic pattern fails that event with regex_limit, quickly, and
# the stream goes on.
# hs-test: serial (bounds elapsed time)
echo '{"properties":{"s":{"pattern":"^(a+)+$"}}}' >s.json
printf '{"s":"%s!"}\n{"s":"aaa"}\n' "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" >in
start=$(date +%s)
expect_exit 1 hs-validate --schema s.json --dlq dlq in >out
secs=$(($(date +%s) - start))
[ "$secs" -le 5 ] || fail "took $secs s"
expect_eq "passed" "$(cat out)" '{"s":"aaa"}'
expect_grep '"reason":"regex_limit"' dlq
# the same pattern in patternProperties
echo '{"patternProperties":{"^(a+)+$":{"type":"string"}}}' >p.json
printf '{"%s!":1}\n' "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" >in2
expect_exit 1 hs-validate --schema p.json --dlq dlq2 in2 >/dev/null
expect_grep '"reason":"regex_limit"' dlq2
