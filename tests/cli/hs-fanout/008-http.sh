# http: POST per event; 500 and 429 (with Retry-After) are retried, every
# event arrives once; a 400 is dead-lettered at once with the target, the
# code and the exhausted condition.
need python3
python3 "$HS_TESTS/services/http-receiver.py" --port-file port --log got \
	--fail 2 --throttle 1 --retry-after 0.2 &
rpid=$!
hs_on_exit "kill $rpid"
wait_for 10 test -s port || fail "receiver did not start"
port=$(cat port)
cat >rules.json <<X
[{"name":"r","pattern":{"n":[{"exists":true}]},
  "targets":[{"uri":"http://127.0.0.1:$port/in","retry":{"attempts":5}}]}]
X
printf '{"n":1}\n{"n":2}\n{"n":3}\n' >in
hs-fanout --stats --rules rules.json in 2>err || fail "exit $?: $(cat err)"
sort got >got.sorted
expect_file_eq got.sorted in
expect_eq "rejected answers" "$(count_lines got.rejected)" 3
expect_grep "target:http://127.0.0.1:$port/in=3/3/0" err
kill $rpid; wait $rpid 2>/dev/null
rm -f port
python3 "$HS_TESTS/services/http-receiver.py" --port-file port --log got2 --status 400 &
rpid=$!
hs_on_exit "kill $rpid"
wait_for 10 test -s port || fail "receiver did not start"
sed "s/:$port/:$(cat port)/" rules.json >rules2.json
expect_exit 1 hs-fanout --dlq dlq.ndjson --rules rules2.json in 2>err
expect_eq "dead letters" "$(count_lines dlq.ndjson)" 3
expect_grep '"error_code":"http_400"' dlq.ndjson
expect_grep '"exhausted":"not_retryable"' dlq.ndjson
expect_grep '"rule":"r"' dlq.ndjson
expect_grep '"attempts":1' dlq.ndjson
expect_grep '"event":{"n":1}' dlq.ndjson
