#!/bin/sh
# Empty input, blank lines, a missing final newline, an invalid JSON
# line (dead-lettered with file and line, replay goes on, exit 1) and a
# JSON value that is not an object.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-replay/gen.sh"

: >empty.ndjson
hs-replay empty.ndjson >out 2>err || fail "empty input failed"
[ -s out ] && fail "output from empty input"
[ -s err ] && fail "stderr from empty input"

gen 0 3 1000 >a.ndjson
printf '\n' >>a.ndjson
gen 3 1 1000 | tr -d '\n' >>a.ndjson
hs-replay a.ndjson >out || fail "missing final newline"
expect_eq lines "$(count_lines out)" 4
gen 0 4 1000 >want
expect_file_eq out want

{ gen 0 2 1000; echo '{"id":"bad",'; echo '[1,2]'; gen 2 2 1000; } >b.ndjson
expect_exit 1 hs-replay --dlq dlq.ndjson --stats b.ndjson >out 2>err
expect_eq "events out" "$(ids out | tr '\n' ' ')" "0 1 2 3 "
expect_eq "dead letters" "$(count_lines dlq.ndjson)" 2
expect_grep '"reason":"invalid_json"' dlq.ndjson
expect_grep '"input":{"file":"b.ndjson","line":3}' dlq.ndjson
expect_grep '"reason":"not_object".*"line":4' dlq.ndjson
expect_grep 'in=6 out=4 dlq=2 filtered=0' err
# without --dlq: one located line each on stderr
expect_exit 1 hs-replay b.ndjson >out 2>err
expect_grep '^hs-replay: b.ndjson:3: invalid_json: ' err
exit 0
