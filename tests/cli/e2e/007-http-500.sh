# e2e: an HTTP spoke answers 500 to its first 8 requests.  The pipe's
# retries (EventBridge-style backoff) deliver every selected event once the
# spoke recovers; none is dead-lettered, the other spokes are not held up.
need python3 jq
. "$HS_TESTS/cli/e2e/pipe.sh"
e2e_gen 400 --ids64 0
e2e_want
python3 "$HS_TESTS/services/http-receiver.py" --port-file port --log got.http --fail 8 &
hp=$!
hs_on_exit "kill $hp"
wait_for 10 test -s port || fail "no http receiver"
cat >rules.json <<EOF2
[{"name":"api","pattern":{"source":["com.example.player"]},
  "targets":[{"uri":"http://127.0.0.1:$(cat port)/in","retry":{"attempts":10,"max_age":120}}]},
 {"name":"archive","pattern":{"source":[{"prefix":"com.example."}]},"targets":["file:archive.ndjson"]}]
EOF2
hs-validate --registry "$E2E_DEMO/schemas" -q \
	--ref-map "https://schemas.example.com/=$E2E_DEMO/schemas/" source.ndjson |
	hs-transform -f "$E2E_DEMO/normalize.jq" |
	hs-fanout --rules rules.json --dlq dlq.ndjson --stats 2>fanout.err ||
	fail "hs-fanout exited $?: $(tail -2 fanout.err)"
[ ! -s dlq.ndjson ] || fail "dead letters: $(head -c 400 dlq.ndjson)"
e2e_ids got.http >got.player
expect_file_eq got.player want.player
expect_eq "rejected requests" "$(count_lines got.http.rejected)" 8
e2e_ids archive.ndjson >got.archive
expect_file_eq got.archive want.archive
