# A runtime error dead-letters that event with jq's message; the others go on.
printf '%s\n' '{"a":1}' '{"a":"x"}' '{"a":2}' '{"a":{"b":1}}' >in
expect_exit 1 hs-transform --dlq dlq '.a + 1' in >out 2>err
expect_eq "outputs" "$(cat out | tr '\n' ' ')" "2 3 "
expect_eq "dead letters" "$(count_lines dlq)" 2
expect_grep '"reason":"jq_error"' dlq
expect_grep 'string (\\"x\\") and number (1) cannot be added' dlq
expect_grep '"input":{"file":"in","line":2}' dlq
expect_grep '"event":{"a":"x"}' dlq
[ ! -s err ] || fail "stderr not empty with --dlq: $(cat err)"
# error(...) with a string and with an object; without --dlq, on stderr.
expect_exit 1 hs-transform 'if .a == 2 then error("boom \(.a)") else .a end' in >out 2>err
expect_grep 'hs-transform: in:3: jq_error: boom 2' err
expect_eq "outputs" "$(count_lines out)" 3
expect_exit 1 hs-transform 'error({code: .a})' in >out 2>err
expect_grep 'in:1: jq_error: (not a string): {"code":1}' err
# Outputs before the error in the same event are not written: the event
# ends once, as a dead letter.
expect_exit 1 hs-transform '.a, (.a | ascii_downcase)' in >out 2>err
expect_eq "outputs" "$(cat out | tr '\n' ' ')" '"x" "x" '
expect_eq "dead letters" "$(grep -c jq_error err)" 3
