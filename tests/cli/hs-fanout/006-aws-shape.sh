# The AWS CLI's shape: EventPattern as a string, Targets with Id/Arn/
# InputPath/InputTransformer; DISABLED rules do not run; an ARN with no
# local equivalent is refused unless --arn-map names one.
cat >rules.json <<'X'
{"Rules":[
 {"Name":"to-queue","State":"ENABLED","EventBusName":"default",
  "EventPattern":"{\"source\":[\"aws.ec2\"],\"detail\":{\"state\":[{\"anything-but\":\"pending\"}]}}",
  "Targets":[{"Id":"q","Arn":"arn:aws:sqs:us-east-1:123456789012:q"},
             {"Id":"local","Arn":"file:local.ndjson","InputPath":"$.detail.state"},
             {"Id":"xf","Arn":"file:xf.ndjson","InputTransformer":{
               "InputPathsMap":{"st":"$.detail.state"},
               "InputTemplate":"\"state is <st>\""}}]},
 {"Name":"off","State":"DISABLED","EventPattern":"{\"source\":[\"aws.ec2\"]}",
  "Targets":[{"Id":"x","Arn":"file:off.ndjson"}]}]}
X
printf '%s\n' '{"source":"aws.ec2","detail":{"state":"running"}}' \
	'{"source":"aws.ec2","detail":{"state":"pending"}}' >in
expect_exit 2 hs-fanout --rules rules.json in 2>err
expect_grep "ARN 'arn:aws:sqs:us-east-1:123456789012:q' has no local equivalent" err
printf '{"arn:aws:sqs:us-east-1:123456789012:q":"file:sqs.ndjson"}' >map.json
hs-fanout --rules rules.json --arn-map map.json in 2>err || fail "exit $?: $(cat err)"
sed -n 1p in >want
expect_file_eq sqs.ndjson want
expect_eq "InputPath" "$(cat local.ndjson)" '"running"'
expect_eq "InputTransformer" "$(cat xf.ndjson)" '"state is running"'
[ ! -e off.ndjson ] || fail "a DISABLED rule ran"
