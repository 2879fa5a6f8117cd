# http with "concurrency": a target that always answers 503 gets every
# event dead-lettered exactly once, each after its own 3 attempts
# (attempts 2 retries), with the code and the exhausted condition; one
# that refuses connections likewise.  Counts add up, and the run exits
# 75 (retry later): the target was unavailable, not the events wrong.
. "$HS_TESTS/cli/hs-fanout/http.sh"
http_events 30
http_receiver --log got --status 503 --delay 0.05 --inflight inflight
cat >rules.json <<X
[{"name":"r","pattern":{"n":[{"exists":true}]},
  "targets":[{"uri":"http://127.0.0.1:$port/in","concurrency":4,
              "retry":{"attempts":2,"max_age":600}}]}]
X
expect_exit 75 hs-fanout --stats --dlq dlq.ndjson --rules rules.json in 2>err
dlq_events dlq.ndjson >dead.sorted
expect_file_eq dead.sorted in.sorted
expect_eq "attempts 3" "$(grep -c '"attempts":3}' dlq.ndjson)" 30
expect_eq "http_503" "$(grep -c '"error_code":"http_503"' dlq.ndjson)" 30
expect_eq "exhausted" "$(grep -c '"exhausted":"MaximumRetryAttempts"' dlq.ndjson)" 30
expect_eq "requests" "$(count_lines got.rejected)" 90
[ ! -e got ] || fail "a 503 target delivered something"
expect_grep "target:http://127.0.0.1:$port/in=30/0/30" err
expect_grep "target_dlq=30" err
max=$(cat inflight)
[ "$max" -gt 1 ] && [ "$max" -le 4 ] || fail "$max in flight at once, want 2 to 4"
http_receiver_stop

# nothing listens: connection_failed, batches of 3 dead-lettered per event
free_port >port2
cat >rules2.json <<X
[{"name":"r","pattern":{"n":[{"exists":true}]},
  "targets":[{"uri":"http://127.0.0.1:$(cat port2)/","concurrency":8,"batch":3,
              "retry":{"attempts":1},"timeout":1}]}]
X
expect_exit 75 hs-fanout --stats --dlq dlq2.ndjson --rules rules2.json in 2>err2
dlq_events dlq2.ndjson >dead2.sorted
expect_file_eq dead2.sorted in.sorted
expect_eq "attempts 2" "$(grep -c '"attempts":2}' dlq2.ndjson)" 30
expect_eq "connection_failed" "$(grep -c '"error_code":"connection_failed"' dlq2.ndjson)" 30
expect_grep "=30/0/30" err2
