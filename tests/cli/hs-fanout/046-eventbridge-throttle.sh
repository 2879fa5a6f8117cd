# Throttling: PutEvents answered ThrottlingException (HTTP 400) is
# retried with backoff under the target's RetryPolicy until it is taken;
# when throttling outlasts MaximumRetryAttempts the entries are
# dead-lettered with the code and MaximumRetryAttempts, and the run ends
# 75 (try again later).
. "$HS_TESTS/cli/hs-fanout/aws.sh"
aws_receiver --throttle 2
cat >rules.json <<'R'
{"Rules":[{"Name":"orders","EventPattern":"{\"source\":[\"shop\"]}",
  "Targets":[{"Id":"bus","Arn":"arn:aws:events:eu-west-1:123456789012:event-bus/orders",
   "RetryPolicy":{"MaximumRetryAttempts":5}}]}]}
R
eb_events 3
hs-fanout --rules rules.json --dlq dlq.ndjson in 2>err || fail "exit $?: $(cat err)"
expect_eq "delivered" "$(rec_ns | tr '\n' ' ')" "0 1 2 "
expect_eq "requests" "$(sed 's/.*"entries":\([0-9]*\).*"error":\([^,}]*\).*/\1:\2/' reqs | tr '\n' ' ')" \
	'3:"ThrottlingException" 3:"ThrottlingException" 3:null '
[ ! -s dlq.ndjson ] || fail "dead letters: $(cat dlq.ndjson)"

kill "$_apid"
rm -f rec reqs
aws_receiver --throttle 100
sed 's/"MaximumRetryAttempts":5/"MaximumRetryAttempts":1/' rules.json >r1.json
hs-fanout --rules r1.json --dlq dlq.ndjson in 2>err && rc=0 || rc=$?
expect_eq "exit" "$rc" 75
expect_eq "dead letters" "$(count_lines dlq.ndjson)" 3
expect_grep '"error_code":"ThrottlingException","error_message":"Rate exceeded","exhausted":"MaximumRetryAttempts","attempts":2' dlq.ndjson
[ ! -s rec ] || fail "delivered while throttled"
