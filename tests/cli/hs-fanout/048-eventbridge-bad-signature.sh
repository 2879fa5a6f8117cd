# A request signed with the wrong secret is refused by the receiver
# (InvalidSignatureException, as the service answers it): that cannot
# succeed by retrying, so every entry is dead-lettered at once with the
# code and the service's message, after one request; the secret itself
# appears in no dead letter and no message.  Without any credentials the
# target does not start (exit 3, as any target that cannot open, naming
# what to set).
. "$HS_TESTS/cli/hs-fanout/aws.sh"
aws_receiver
cat >rules.json <<'R'
{"Rules":[{"Name":"orders","EventPattern":"{\"source\":[\"shop\"]}",
  "Targets":[{"Id":"bus","Arn":"arn:aws:events:eu-west-1:123456789012:event-bus/orders"}]}]}
R
eb_events 3
AWS_SECRET_ACCESS_KEY=not-the-secret-xyz hs-fanout --rules rules.json \
	--dlq dlq.ndjson in 2>err && rc=0 || rc=$?
expect_eq "exit (dead-lettered)" "$rc" 1
expect_eq "requests" "$(count_lines reqs)" 1
expect_eq "dead letters" "$(count_lines dlq.ndjson)" 3
expect_grep '"error_code":"InvalidSignatureException","error_message":"The request signature we calculated does not match the signature you provided\..*","exhausted":"not_retryable","attempts":1' dlq.ndjson
expect_no_grep not-the-secret-xyz dlq.ndjson
expect_no_grep not-the-secret-xyz err
[ ! -s rec ] || fail "delivered with a bad signature"

expect_exit 3 env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
	hs-fanout --rules rules.json in 2>err
expect_grep "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" err
