# EventBridge's per-entry results: in a batch of ten, the entry answered
# InternalFailure is retried alone (the second request carries only it)
# and then delivered; the entry answered AccessDeniedException cannot
# succeed and is dead-lettered at once with the error code and message,
# the rule, the target and one attempt.  Every other entry is sent once.
. "$HS_TESTS/cli/hs-fanout/aws.sh"
aws_receiver --fail-entry '"n":3}=InternalFailure' \
	--fail-entry '"n":5}=AccessDeniedException:0'
cat >rules.json <<'R'
{"Rules":[{"Name":"orders","EventPattern":"{\"source\":[\"shop\"]}",
  "Targets":[{"Id":"bus","Arn":"arn:aws:events:eu-west-1:123456789012:event-bus/orders"}]}]}
R
eb_events 10
hs-fanout --rules rules.json --dlq dlq.ndjson in 2>err && rc=0 || rc=$?
expect_eq "exit (one dead-lettered)" "$rc" 1
[ ! -s err ] || fail "messages: $(cat err)"
expect_eq "delivered once each" "$(rec_ns | sort -n | tr '\n' ' ')" \
	"0 1 2 3 4 6 7 8 9 "
expect_eq "requests" "$(sed 's/.*"entries":\([0-9]*\).*/\1/' reqs | tr '\n' ' ')" "10 1 "
expect_eq "dead letters" "$(count_lines dlq.ndjson)" 1
expect_grep '"reason":"target_failed"' dlq.ndjson
expect_grep '"rule":"orders","target":"bus",' dlq.ndjson
expect_grep '"error_code":"AccessDeniedException","error_message":"injected failure","exhausted":"not_retryable","attempts":1' dlq.ndjson
expect_grep '"event":{"source":"shop",.*"detail":{"n":5}}' dlq.ndjson
