# Empty input: exit 0, no output at all; a lone newline (a blank line)
# is counted apart and gives no output either.
. "$HS_TESTS/cli/all/matrix.sh"

empty_case() {
	expect_exit 0 run "$1" </dev/null >out 2>err
	[ ! -s out ] || fail "stdout: $(head -c 200 out)"
	[ ! -s err ] || fail "stderr: $(cat err)"
	echo >blank
	expect_exit 0 run "$1" --stats <blank >out 2>err
	[ ! -s out ] || fail "stdout for a blank line: $(head -c 200 out)"
	grep -q 'stats in=0 out=0 dlq=0 filtered=0 blank=1' err ||
		fail "stats for a blank line: $(cat err)"
}
for_each_tool empty_case
