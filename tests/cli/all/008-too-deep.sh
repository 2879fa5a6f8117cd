# A line nested 100,000 levels deep: dead-lettered as too_deep (the
# default --max-depth is 512), never a crash or a stack overflow.
. "$HS_TESTS/cli/all/matrix.sh"
need jq

deep_case() {
	{
		printf '{"hs-claim":'
		head -c 100000 /dev/zero | tr '\0' '['
		head -c 100000 /dev/zero | tr '\0' ']'
		printf '}\n'
	} >bad
	bad_line_case "$1" too_deep
	jq -r .event_text dlq >back
	same bad back # jq -r adds the newline back
}
for_each_tool deep_case
