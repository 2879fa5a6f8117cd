# A last line without a newline is an event like any other: it passes,
# and gets its newline on output; the event before it passes unchanged.
. "$HS_TESTS/cli/all/matrix.sh"

nonl_case() {
	{ ev 1; ev 2 | tr -d '\n'; } >in
	{ ev 1; ev 2; } >want
	expect_exit 0 run "$1" <in >out 2>err
	[ ! -s err ] || fail "stderr: $(cat err)"
	same want out
}
for_each_tool nonl_case
