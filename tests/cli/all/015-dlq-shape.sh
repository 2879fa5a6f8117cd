# Every tool writes dead-letter records of one shape (hs-event(7)):
# hs-dlq 1, tool, reason, message, time (UTC, ms), input.file and
# input.line, and exactly one of event, event_text, event_base64 holding
# the original line.
. "$HS_TESTS/cli/all/matrix.sh"
need jq

shape_case() {
	{
		ev 1
		big_bad_line
		printf '{"hs-claim":"\377","pad":"%s"}\n' "$(pad1500)"
		printf '{"hs-claim":1,"deep":'
		head -c 600 /dev/zero | tr '\0' '['
		head -c 600 /dev/zero | tr '\0' ']'
		printf '}\n'
	} >in
	expect_exit 1 run "$1" --dlq dlq <in >out 2>err
	expect_eq records "$(count_lines dlq)" 3
	jq -e --arg t "$(tool_name "$1")" '
	  .["hs-dlq"] == 1 and .tool == $t and
	  (.reason | test("^[a-z_]+$")) and (.message | length > 0) and
	  (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z$")) and
	  (.input.file | type == "string") and (.input.line | type == "number") and
	  ([has("event"), has("event_text"), has("event_base64")] |
	     map(select(.)) | length == 1)' dlq >/dev/null ||
		fail "shape: $(cut -c1-300 dlq)"
	expect_eq "reasons" "$(jq -r .reason dlq | tr '\n' ' ')" \
		"invalid_json invalid_utf8 too_deep "
	expect_eq "lines" "$(jq -r .input.line dlq | tr '\n' ' ')" "2 3 4 "
	# The original bytes, whichever member holds them.
	jq -r 'if has("event_base64") then .event_base64 else empty end' dlq |
		base64 -d >got3
	sed -n 3p in | tr -d '\n' >want3
	same want3 got3
	jq -r 'if has("event_text") then .event_text else empty end' dlq >gottext
	sed -n '2p;4p' in >wanttext
	same wanttext gottext
}
for_each_tool shape_case
