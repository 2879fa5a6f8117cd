#!/bin/sh
# --name sets "replay-name" just before the closing brace, replaces one
# already there, and leaves every other byte as it was; without --name
# events pass byte-identical.
. "$HS_TESTS/cli/lib.sh"

cat >a.ndjson <<'X'
{"id":"1","time":"2026-01-01T00:00:00Z","detail":{"n":1.50,"s":"\u00e9"}}
{ "id" : "2", "time":"2026-01-01T00:00:01Z" }
{"id":"3","replay-name":"old","time":"2026-01-01T00:00:02Z","n":1e2}
X
hs-replay a.ndjson >out
expect_file_eq out a.ndjson
hs-replay --name 'night "2"' a.ndjson >out
cat >want <<'X'
{"id":"1","time":"2026-01-01T00:00:00Z","detail":{"n":1.50,"s":"\u00e9"},"replay-name":"night \"2\""}
{ "id" : "2", "time":"2026-01-01T00:00:01Z" ,"replay-name":"night \"2\""}
{"id":"3","replay-name":"night \"2\"","time":"2026-01-01T00:00:02Z","n":1e2}
X
expect_file_eq out want
echo '{}' >e.ndjson
expect_eq "empty object" "$(hs-replay --untimed include --name r e.ndjson)" '{"replay-name":"r"}'
exit 0
