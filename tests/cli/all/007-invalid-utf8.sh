# A line with invalid UTF-8 in a string: dead-lettered as invalid_utf8,
# the original bytes kept in event_base64.
. "$HS_TESTS/cli/all/matrix.sh"
need jq

utf8_case() {
	printf '{"hs-claim":"\377\376","pad":"%s"}\n' "$(pad1500)" >bad
	bad_line_case "$1" invalid_utf8
	jq -r .event_base64 dlq | base64 -d >back
	tr -d '\n' <bad >want-bytes
	same want-bytes back
}
for_each_tool utf8_case
