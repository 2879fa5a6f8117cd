# --unique: a value seen within the window is a duplicate; the window is
# bounded by count.
cat >in <<'J'
{"id":"a"}
{"id":"b"}
{"id":"a"}
{"x":1}
{"id":"c"}
{"id":"a"}
J
expect_exit 1 hs-validate --unique /id --dlq dlq in >out
expect_eq "passed" "$(count_lines out)" 4
expect_eq "duplicates" "$(count_lines dlq)" 2
expect_grep '"reason":"duplicate"' dlq
expect_exit 0 hs-validate --unique /id --drop-duplicates --stats in >out 2>err
expect_eq "passed" "$(count_lines out)" 4
expect_grep 'filtered=2' err
# a window of 1: only the previous value is remembered
expect_exit 0 hs-validate --unique /id --unique-window 1 --drop-duplicates in >out
expect_eq "passed with window 1" "$(count_lines out)" 6
# with a schema, only valid events enter the window
echo '{"required":["ok"]}' >s.json
printf '%s\n' '{"id":1}' '{"id":1,"ok":1}' '{"id":1,"ok":1}' >in2
expect_exit 1 hs-validate --schema s.json --unique /id --dlq dlq2 in2 >out
expect_eq "passed" "$(count_lines out)" 1
expect_grep '"reason":"schema"' dlq2
expect_grep '"reason":"duplicate"' dlq2
# a time window is accepted
expect_exit 0 hs-validate --unique /id --unique-window 10m --drop-duplicates in >/dev/null
