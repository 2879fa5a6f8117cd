# A line over --max-event-size: dead-lettered as too_large, its bytes
# streamed whole into the record in base64 (hs(7)), the lines around it
# pass.
. "$HS_TESTS/cli/all/matrix.sh"
need jq

large_case() {
	printf '{"hs-claim":1,"pad":"%s%s%s"}\n' "$(pad1500)" "$(pad1500)" \
		"$(pad1500)" >bad
	bad_line_case "$1" too_large --max-event-size 4K
	jq -r .event_base64 dlq | base64 -d >back
	tr -d '\n' <bad >want-bytes
	same want-bytes back
}
for_each_tool large_case
