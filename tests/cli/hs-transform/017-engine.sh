# --engine auto|jq and the native= / jq= counts of --stats: which engine
# answered each event.  ~/.jq (which libjq imports, and which may redefine
# builtins) keeps every event with libjq.
printf '%s\n' '{"a":1,"s":"X"}' '{"a":2,"s":"Y"}' '{"a":"str","s":"Z"}' >events
HOME=$PWD
export HOME

expect_exit 2 hs-transform --engine fast . events
hs-transform --engine fast . events 2>err >/dev/null || :
expect_grep "--engine 'fast': auto or jq" err

# Supported program: two events native, the third (a string plus a
# number, an error) left to libjq, which words the dead letter.
hs-transform --stats --dlq dlq '{s, b: (.a + 1)}' events >out 2>err && fail "exit 0 with a dead letter"
expect_grep 'native=2 jq=1' err
expect_eq "outputs" "$(cat out)" '{"s":"X","b":2}
{"s":"Y","b":3}'
expect_grep 'string (\\"str\\") and number (1) cannot be added' dlq
hs-transform --stats --engine jq --dlq dlq.jq '{s, b: (.a + 1)}' events >out.jq 2>err.jq || :
expect_grep 'native=0 jq=3' err.jq
expect_file_eq out out.jq

# Outside the subset: libjq for every event.
hs-transform --stats '.s | test("X")' events >out 2>err
expect_grep 'native=0 jq=3' err
expect_eq "test()" "$(cat out)" 'true
false
false'

# The input transformer has no jq engine to count.
hs-transform --stats --input-template '{"x": <aws.events.event>}' events >/dev/null 2>err
expect_no_grep 'native=' err

# ~/.jq may redefine a builtin: libjq alone knows what it means.
echo 'def length: 42;' >.jq
hs-transform --stats '.s | length' events >out 2>err
expect_grep 'native=0 jq=3' err
expect_eq "~/.jq length" "$(sort -u out)" 42
