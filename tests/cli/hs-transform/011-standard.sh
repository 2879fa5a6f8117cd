# Empty input, a missing final newline, an invalid line, empty, --stats.
: >empty
expect_exit 0 hs-transform . empty >out
[ ! -s out ] || fail "output from empty input"
printf '{"a":1}\n{"a":2}' >in
expect_eq "no final newline" "$(hs-transform '.a' in | tr '\n' ' ')" '1 2 '
printf '{"a":1}\n{"a":\n{"a":3}\n' >bad
expect_exit 1 hs-transform --dlq dlq --stats '.a' bad >out 2>err
expect_eq "outputs" "$(cat out | tr '\n' ' ')" '1 3 '
expect_grep '"reason":"invalid_json"' dlq
expect_grep '"event_text":"{\\"a\\":"' dlq
expect_grep 'in=3 out=2 dlq=1 filtered=0' err
printf '{"a":1}\n{"a":2}\n{"a":3}\n' >in3
expect_exit 0 hs-transform --threads 2 --stats 'select(.a != 2)' in3 >out 2>err
expect_grep 'in=3 out=2 dlq=0 filtered=1' err
expect_exit 0 hs-transform --stats '.a, .a' in3 >out 2>err
expect_eq "two lines each" "$(count_lines out)" 6
expect_grep 'in=3 out=3' err
