# Standard output on a full disk: exit 3 and exactly one message,
# "hs-x: write error on stdout: No space left on device".
. "$HS_TESTS/cli/all/matrix.sh"
[ -w /dev/full ] || skip "no /dev/full"

full_case() {
	name=$(tool_name "$1")
	{ ev 1; ev 2; } >in
	expect_exit 3 run "$1" <in >/dev/full 2>err
	echo "$name: write error on stdout: No space left on device" >want
	same want err
}
for_each_tool full_case
