# EventBridge PutEvents to a local receiver that checks every SigV4
# signature with botocore: first the receiver is held to the real client
# (aws events put-events is accepted, and refused with a wrong secret),
# then a rules file in the AWS CLI's shape whose target is an event bus
# ARN (no --arn-map) delivers 25 events in order as 3 requests (10, 10,
# 5), each entry carrying source, detail-type, detail, resources, time and
# the bus name.  With AWS_SESSION_TOKEN the token is sent and signed.
. "$HS_TESTS/cli/hs-fanout/aws.sh"
need aws
aws_receiver

aws events put-events --endpoint-url "$AWS_ENDPOINT_URL" --entries \
	'[{"Source":"cli","DetailType":"t","Detail":"{\"n\":99}","EventBusName":"orders"}]' \
	>cli.out 2>cli.err || fail "aws events put-events: $(cat cli.err)"
expect_grep '"FailedEntryCount": 0' cli.out
AWS_SECRET_ACCESS_KEY=wrong aws events put-events \
	--endpoint-url "$AWS_ENDPOINT_URL" --entries \
	'[{"Source":"cli","DetailType":"t","Detail":"{}"}]' >/dev/null 2>cli.err &&
	fail "a wrong secret was accepted"
expect_grep InvalidSignatureException cli.err
expect_eq "entries from the CLI" "$(rec_ns)" 99
rm rec reqs

cat >rules.json <<'R'
{"Rules":[{"Name":"orders","EventPattern":"{\"source\":[\"shop\"]}",
  "Targets":[{"Id":"bus","Arn":"arn:aws:events:eu-west-1:123456789012:event-bus/orders"}]}]}
R
eb_events 25
hs-fanout --rules rules.json in 2>err || fail "exit $?: $(cat err)"
[ ! -s err ] || fail "messages: $(cat err)"
expect_eq "entries in order" "$(rec_ns | tr '\n' ' ')" \
	"0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 "
expect_eq "requests" "$(sed 's/.*"entries":\([0-9]*\).*"status":\([0-9]*\).*/\1:\2/' reqs | tr '\n' ' ')" \
	"10:200 10:200 5:200 "
expect_grep '^{"Source":"shop","DetailType":"order","Detail":"{\\"n\\":0}","Resources":\["r0"\],"Time":1796353200,"EventBusName":"orders"}$' rec

rm rec reqs
head -n 1 in >one
AWS_SESSION_TOKEN=session-token-1 hs-fanout --rules rules.json one 2>err ||
	fail "exit $?: $(cat err)"
expect_eq "with a session token" "$(rec_ns)" 0
expect_grep '"status":200,.*"token":true' reqs
