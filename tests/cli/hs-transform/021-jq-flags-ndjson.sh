# hs-transform(1) NDJSON rules for jq's flags: -r on a string holding a
# newline dead-letters the event (raw_newline) where jq would split it
# over lines, -j prints it as jq does; re-printing (-S, -a, --tab,
# --indent) guards numbers libjq would change; -s stops at
# --max-event-size; -e maps jq's status under hs's own.
need jq
printf '%s\n' '{"s":"one"}' '{"s":"two\nlines"}' '{"s":"three"}' >in
expect_exit 1 hs-transform -q -r --dlq dlq .s in >out
expect_eq "raw outputs" "$(cat out)" "$(printf 'one\nthree')"
expect_eq "dead letters" "$(count_lines dlq)" 1
expect_eq "reason" "$(jq -r .reason dlq)" raw_newline
expect_eq "dead event" "$(jq -c .event dlq)" '{"s":"two\nlines"}'
hs-transform -j .s in >out
jq -j .s in >want
expect_file_eq out want
# Without -r the string stays one JSON line, as before.
hs-transform .s in >out
expect_eq "not raw" "$(count_lines out)" 3

# Re-printing goes through libjq's doubles: a number it would change
# dead-letters its event, unless --allow-lossy-numbers.
printf '%s\n' '{"n":12345678901234567890,"a":1}' '{"b":2,"a":1}' >big
expect_exit 1 hs-transform -q -S --dlq dlq2 . big >out
expect_eq "sorted" "$(cat out)" '{"a":1,"b":2}'
expect_eq "lossy reason" "$(jq -r .reason dlq2)" lossy_number
hs-transform -S --allow-lossy-numbers . big >out
jq -c -S . big >want
expect_file_eq out want
# Compact output keeps the original line, digits and all.
hs-transform . big >out
expect_file_eq out big

# -s: at most --max-event-size, else nothing is written and exit 1.
seq 1 100 >nums
expect_exit 1 hs-transform -s --max-event-size 64 . nums >out 2>err
[ ! -s out ] || fail "-s over the limit wrote: $(cat out)"
expect_grep "^hs-transform: -s: the slurped input is over --max-event-size (64 bytes)$" err
expect_eq "-s under the limit" "$(hs-transform -s --max-event-size 1K add nums)" 5050
expect_exit 2 hs-transform -s --ack fifo . </dev/null 2>err
expect_grep "^hs-transform: -s and --ack" err

# -e: jq 1.6's status from the last event (0, 1 false/null, 4 none)
# unless hs's is worse: a dead letter keeps 1, a bad program 2.
printf '%s\n' '{"a":1}' '{"a":null}' >ev
expect_exit 1 hs-transform -e .a ev >/dev/null
expect_exit 4 hs-transform -e 'select(.a == 1)' ev >/dev/null
expect_exit 0 hs-transform -e 'select(.a == null) | 1' ev >/dev/null
printf '%s\n' '{"a":1}' 'not json' >bad
expect_exit 1 hs-transform -q -e .a bad >/dev/null
expect_exit 2 hs-transform -e 'nosuch(1)' ev 2>/dev/null
