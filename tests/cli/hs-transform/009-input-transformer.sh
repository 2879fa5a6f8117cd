# EventBridge's input transformer, with the User Guide's example event,
# paths and templates, and the documented outputs.
cat >in <<'JSON'
{"version":"0","id":"7bf73129-1428-4cd3-a780-95db273d1602","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"123456789012","time":"2015-11-11T21:29:54Z","region":"us-east-1","resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],"detail":{"instance-id":"i-0123456789","state":"RUNNING"}}
JSON
map='{"timestamp" : "$.time", "instance" : "$.detail.instance-id", "state" : "$.detail.state"}'
t() {
	hs-transform --input-paths-map "$map" --input-template "$1" \
		--rule-name arn:aws:events:us-east-2:123456789012:rule/example in
}
expect_eq "simple string" "$(t '"instance <instance> is in <state>"')" \
	'"instance i-0123456789 is in RUNNING"'
expect_eq "escaped quotes" "$(t '"instance \"<instance>\" is in <state>"')" \
	'"instance \"i-0123456789\" is in RUNNING"'
expect_eq "simple JSON" "$(t '{
  "instance" : <instance>,
  "state": <state>
}')" '{"instance":"i-0123456789","state":"RUNNING"}'
expect_eq "strings and variables" "$(t '{"instance" : <instance>, "state": "<state>", "instanceStatus": "instance \"<instance>\" is in <state>"}')" \
	'{"instance":"i-0123456789","state":"RUNNING","instanceStatus":"instance \"i-0123456789\" is in RUNNING"}'
expect_eq "variables and static" "$(t '{"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"}')" \
	'{"instance":"i-0123456789","state":[9,"RUNNING",true],"Transformed":"Yes"}'
expect_eq "reserved in JSON" "$(t '{"ruleArn" : <aws.events.rule-arn>, "ruleName" : <aws.events.rule-name>, "originalEvent" : <aws.events.event.json>}')" \
	"{\"ruleArn\":\"arn:aws:events:us-east-2:123456789012:rule/example\",\"ruleName\":\"example\",\"originalEvent\":$(cat in)}"
expect_eq "reserved in a string" "$(t '"<aws.events.rule-name> triggered"')" '"example triggered"'
# A plain-text template becomes a JSON string on stdout.
expect_eq "plain text" "$(t '<instance> is in state <state>')" '"i-0123456789 is in state RUNNING"'
# A template that does not fill into JSON dead-letters the event.
expect_exit 1 hs-transform --input-template '{"a": <aws.events.rule-name}' in >out 2>err
expect_grep 'template: the filled input template is not JSON' err
expect_exit 2 hs-transform --input-paths-map '{"x":"detail"}' --input-template '<x>' in 2>err
expect_grep "does not start with '\\$'" err
