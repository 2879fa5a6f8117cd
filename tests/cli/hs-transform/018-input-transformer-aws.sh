# EventBridge's input transformer where the User Guide
# (eb-transform-target-input) and the API reference (InputTransformer)
# say what AWS does: <aws.events.event> is the event without "detail",
# <aws.events.event.json> the whole event as JSON, wildcard paths give
# arrays, and put-targets' limits are refused at start (exit 2).
cat >in <<'JSON'
{"version":"0","source":"shop","detail":{"items":[{"id":"a"},{"id":"b"}]},"region":"eu-west-1"}
JSON
expect_eq "event without detail" \
	"$(hs-transform --input-template '{"e": <aws.events.event>}' in)" \
	'{"e":{"version":"0","source":"shop","region":"eu-west-1"}}'
expect_eq "whole event as JSON" \
	"$(hs-transform --input-template '{"e": <aws.events.event.json>}' in)" \
	"{\"e\":$(cat in)}"
expect_eq "wildcard" \
	"$(hs-transform --input-paths-map '{"ids": "$.detail.items[*].id"}' \
		--input-template '{"ids": <ids>}' in)" '{"ids":["a","b"]}'

# refused MAP TEMPLATE WHAT: exit 2 at start, saying WHAT.
refused() {
	expect_exit 2 hs-transform --input-paths-map "$1" --input-template "$2" \
		in 2>err
	expect_grep "$3" err
}
refused '{"i": "$.detail"}' '{<i>: "x"}' 'placeholder <i> is an object key'
refused '{"AWS.i": "$.detail"}' x "keys cannot start with 'AWS.'"
refused '{"a.b": "$.detail"}' x "invalid input paths map key 'a.b'"
long=$(printf '%0257d' 0)
refused "{\"k$long\": \"\$\"}" x '258 characters (at most 256)'
refused "{\"k\": \"\$.$long\"}" x "path of 'k' is 259 characters (at most 256)"
refused '{}' "$(printf '%08193d' 0)" 'input template is 8193 characters (at most 8192)'
