# Every line ends in exactly one place and --stats adds up; blank lines
# are counted apart; a last line without a newline is an event.
printf '{"a":1}\n\n{bad\n  \n[1, 2]\n"x"' >in.ndjson
expect_exit 1 hs-validate --stats --dlq dlq.ndjson in.ndjson >out 2>err
printf '{"a":1}\n[1, 2]\n"x"\n' >want
expect_file_eq out want
expect_eq "dlq records" "$(count_lines dlq.ndjson)" 1
expect_grep 'stats in=4 out=3 dlq=1 filtered=0 blank=2' err
