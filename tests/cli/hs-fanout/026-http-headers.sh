# http: per-target headers and query parameters, in both rules shapes
# ("headers"/"query"; AWS HttpParameters), literal or {"env": "VAR"}
# read at start.  They arrive as configured (query percent-encoded and
# joined to a URL's own query with '&'); a target's Authorization and
# Content-Type win over HS_HTTP_AUTHORIZATION and the default.  Refused at
# start (exit 2): an unset variable (named, no secret printed), CR or LF
# in a value, a header name that is no token, headers on a file: target,
# PathParameterValues.  The secret appears nowhere: not in --stats, not in
# messages, not in dead letters.
. "$HS_TESTS/cli/hs-fanout/http.sh"
need jq
http_events 3
secret='s3cr=t&v@l/ue'
export HS_T_KEY="$secret"

# header N of request 1 (case-insensitively), all values space-joined
hdr() {
	jq -r --arg n "$1" 'select(input_line_number == 1) | [.headers[]
		| select(.[0] | ascii_downcase == ($n | ascii_downcase))
		| .[1]] | join(" ")' "$req"
}

# hs shape
req=req1
http_receiver --log got --requests req1
cat >rules.json <<X
[{"name":"r","pattern":{"n":[{"exists":true}]},
  "targets":[{"uri":"http://127.0.0.1:$port/in?v=1",
              "headers":{"X-Api-Key":{"env":"HS_T_KEY"},"X-Team":"blue",
                         "Authorization":"Bearer own","X-Empty":""},
              "query":{"a b":"c&d","key":{"env":"HS_T_KEY"}}}]}]
X
HS_HTTP_AUTHORIZATION='Bearer global' hs-fanout --stats --rules rules.json in \
	2>err || fail "exit $?: $(cat err)"
expect_file_eq got in
expect_eq "requests" "$(count_lines req1)" 3
expect_eq "path" "$(jq -r .path req1 | sort -u)" \
	"/in?v=1&a%20b=c%26d&key=s3cr%3Dt%26v%40l%2Fue"
expect_eq "X-Api-Key" "$(hdr X-Api-Key)" "$secret"
expect_eq "X-Team" "$(hdr X-Team)" blue
expect_eq "X-Empty" "$(jq -c '[.headers[] | select(.[0] == "X-Empty")]' req1 |
	sort -u)" '[["X-Empty",""]]'
# the target's Authorization replaces the global one, not beside it
expect_eq "Authorization" "$(hdr Authorization)" "Bearer own"
expect_eq "Content-Type" "$(hdr Content-Type)" application/json
expect_grep "target:http://127.0.0.1:$port/in?v=\*\*\*=3/3/0" err
expect_no_grep "s3cr" err
http_receiver_stop

# AWS shape; the global Authorization goes where the target sets none; a
# URL without a query gets '?'; Content-Type can be replaced
req=req2
http_receiver --log got2 --requests req2
cat >aws.json <<X
{"Rules":[{"Name":"a","EventPattern":"{\"n\":[{\"exists\":true}]}",
  "Targets":[{"Id":"api","Arn":"http://127.0.0.1:$port/aws",
    "HttpParameters":{
      "HeaderParameters":{"x-api-key":{"env":"HS_T_KEY"},
                          "Content-Type":"application/cloudevents+json"},
      "QueryStringParameters":{"stage":"prod"}}}]}]}
X
HS_HTTP_AUTHORIZATION='Bearer global' hs-fanout --stats --rules aws.json in \
	2>err2 || fail "exit $?: $(cat err2)"
expect_file_eq got2 in
expect_eq "aws path" "$(jq -r .path req2 | sort -u)" "/aws?stage=prod"
expect_eq "aws key" "$(hdr x-api-key)" "$secret"
expect_eq "aws Authorization" "$(hdr Authorization)" "Bearer global"
expect_eq "aws Content-Type" "$(hdr Content-Type)" \
	application/cloudevents+json
expect_no_grep "s3cr" err2
http_receiver_stop

# a target that answers 500: dead letters and messages hold no secret
http_receiver --log got3 --status 500
sed "s/127.0.0.1:[0-9]*/127.0.0.1:$port/" rules.json >dead.json
sed 's/"uri":/"retry":{"attempts":0},"uri":/' dead.json >dead2.json
hs-fanout --stats --dlq dlq --rules dead2.json in 2>err3 && _st=0 || _st=$?
expect_eq "dead exit" "$_st" 75
expect_eq "dead letters" "$(count_lines dlq)" 3
expect_eq "dead reason" "$(jq -r .reason dlq | sort -u)" target_failed
expect_no_grep "s3cr" dlq
expect_no_grep "s3cr" err3
hs-fanout --rules dead2.json in 2>err4 && _st=0 || _st=$?
expect_eq "stderr dead exit" "$_st" 75
expect_grep "target_failed" err4
expect_no_grep "s3cr" err4
http_receiver_stop

# refused at start, exit 2, with rule, target and what
p=$(free_port)
refuse() { # NAME TARGET-JSON WANT-MESSAGE
	printf '[{"name":"r","pattern":{"n":[{"exists":true}]},"targets":[%s]}]\n' \
		"$2" >"$1.json"
	expect_exit 2 hs-fanout --rules "$1.json" in 2>"$1.err"
	expect_grep "$3" "$1.err"
	expect_no_grep "s3cr" "$1.err"
}
unset HS_T_UNSET
refuse unset "{\"uri\":\"http://127.0.0.1:$p/x\",\"headers\":{\"X-A\":{\"env\":\"HS_T_KEY\"},\"X-B\":{\"env\":\"HS_T_UNSET\"}}}" \
	"rule 'r': target 'http://127.0.0.1:$p/x': header 'X-B': environment variable 'HS_T_UNSET' is not set"
refuse qunset "{\"uri\":\"http://127.0.0.1:$p/x\",\"query\":{\"k\":{\"env\":\"HS_T_UNSET\"}}}" \
	"query parameter 'k': environment variable 'HS_T_UNSET' is not set"
refuse crlf "{\"uri\":\"http://127.0.0.1:$p/x\",\"headers\":{\"X-A\":\"v\\r\\nX-Evil: 1\"}}" \
	"header 'X-A': the value holds a CR, LF or NUL character"
refuse lf "{\"uri\":\"http://127.0.0.1:$p/x\",\"headers\":{\"X-A\":\"v\\nX\"}}" \
	"header 'X-A': the value holds a CR, LF or NUL character"
expect_no_grep "X-Evil" crlf.err
# a variable holding a line break is refused without printing it
export HS_T_NL="s3cr
X-Evil: 1"
refuse envnl "{\"uri\":\"http://127.0.0.1:$p/x\",\"headers\":{\"X-A\":{\"env\":\"HS_T_NL\"}}}" \
	"header 'X-A': the value holds a CR, LF or NUL character"
refuse name "{\"uri\":\"http://127.0.0.1:$p/x\",\"headers\":{\"Bad Name\":\"v\"}}" \
	"header 'Bad Name': not a valid header name"
refuse colon "{\"uri\":\"http://127.0.0.1:$p/x\",\"headers\":{\"X:Y\":\"v\"}}" \
	"header 'X:Y': not a valid header name"
refuse empty "{\"uri\":\"http://127.0.0.1:$p/x\",\"headers\":{\"\":\"v\"}}" \
	"header '': not a valid header name"
refuse type "{\"uri\":\"http://127.0.0.1:$p/x\",\"headers\":{\"X-A\":5}}" \
	"header 'X-A': a value is a string or {\"env\": \"NAME\"}"
refuse obj "{\"uri\":\"http://127.0.0.1:$p/x\",\"headers\":[\"X-A\"]}" \
	"target 'http://127.0.0.1:$p/x': headers must be an object"
refuse file '{"uri":"file:out","headers":{"X-A":"v"}}' \
	"target 'file:out': headers and query parameters are for http(s) targets only"
refuse fileq '{"uri":"-","query":{"a":"b"}}' \
	"target '-': headers and query parameters are for http(s) targets only"
refuse execq '{"uri":"exec:cat","headers":{}}' \
	"target 'exec:cat': headers and query parameters are for http(s) targets only"
[ ! -e out ] || fail "the file target was opened"
cat >path.json <<X
{"Rules":[{"Name":"a","EventPattern":"{\"n\":[{\"exists\":true}]}",
  "Targets":[{"Id":"api","Arn":"http://127.0.0.1:$p/x",
    "HttpParameters":{"PathParameterValues":["a"]}}]}]}
X
expect_exit 2 hs-fanout --rules path.json in 2>path.err
expect_grep "rule 'a': target 'api': PathParameterValues is not supported" path.err
exit 0
