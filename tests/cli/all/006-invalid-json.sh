# An invalid JSON line between two good ones: dead-lettered with reason
# invalid_json at <stdin>:2, the others pass, exit 1.
. "$HS_TESTS/cli/all/matrix.sh"
need jq

json_case() {
	big_bad_line >bad
	bad_line_case "$1" invalid_json
	jq -e '.input == {"file":"<stdin>","line":2}' dlq >/dev/null ||
		fail "input: $(jq -c .input dlq)"
	grep -q "^$(tool_name "$1"): <stdin>:2: invalid_json: byte 1524: " err ||
		fail "stderr: $(cut -c1-200 err)"
	case $1 in
	put)
		# Legitimate difference: put does not parse lines at or under
		# its threshold (hs-claimcheck(1)), so a small bad line passes.
		printf '{bad\n' >small
		expect_exit 0 run put <small >out
		same small out
		;;
	get)
		# get parses every line, with a reference or not (issue 15:
		# it used to pass a bad line that mentions no hs-claim).
		printf '{"pad":"%s",}\n' "$(pad1500)" >noref
		expect_exit 1 run get <noref >out
		[ ! -s out ] || fail "get passed an invalid line"
		;;
	esac
}
for_each_tool json_case
