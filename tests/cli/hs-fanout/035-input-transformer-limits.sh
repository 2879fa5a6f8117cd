# A target's InputTransformer that put-targets would refuse is refused at
# start (exit 2), naming the rule, the target and the limit; one that
# EventBridge accepts runs with AWS's meaning (User Guide,
# eb-transform-target-input: <aws.events.event> has no "detail").
rules() {
	cat >rules.json <<X
{"Rules":[{"Name":"r1","State":"ENABLED","EventPattern":"{\"source\":[\"s\"]}",
  "Targets":[{"Id":"t1","Arn":"file:out.ndjson","InputTransformer":{
    "InputPathsMap":$1,"InputTemplate":$2}}]}]}
X
}
echo '{"source":"s","detail":{"items":[{"id":1},{"id":2}]}}' >in

rules '{"ids":"$.detail.items[*].id"}' '"{\"ids\": <ids>, \"e\": <aws.events.event>}"'
hs-fanout --rules rules.json in 2>err || fail "exit $?: $(cat err)"
expect_eq "wildcard and event" "$(cat out.ndjson)" '{"ids":[1,2],"e":{"source":"s"}}'
rm out.ndjson

# refused MAP TEMPLATE WHAT: exit 2 naming the rule, the target and WHAT.
refused() {
	rules "$1" "$2"
	expect_exit 2 hs-fanout --rules rules.json in 2>err
	expect_grep "rule 'r1': target 't1': $3" err
}
refused '{"i":"$.detail"}' '"{<i>: 1}"' \
	'input template: placeholder <i> is an object key'
refused '{"AWS.i":"$.detail"}' '"x"' "input paths map key 'AWS.i' is reserved"
refused '{"a.b":"$.detail"}' '"x"' "invalid input paths map key 'a.b'"
refused "{\"k\":\"\$.$(printf '%0300d' 0)\"}" '"x"' \
	"path of 'k' is 302 characters (at most 256)"
refused '{}' "\"$(printf '%09000d' 0)\"" \
	'input template is 9000 characters (at most 8192)'
[ ! -s out.ndjson ] || fail "a refused rules file ran"
