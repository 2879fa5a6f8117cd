# --help and --version on a full disk: exit 3 and exactly one message,
# "hs-x: write error on stdout: No space left on device" (issue 15).
. "$HS_TESTS/cli/all/matrix.sh"
[ -w /dev/full ] || skip "no /dev/full"

info_full_case() {
	name=$(tool_name "$1")
	echo "$name: write error on stdout: No space left on device" >want
	for opt in --help --version; do
		expect_exit 3 "$name" "$opt" >/dev/full 2>err
		same want err
	done
}
for_each_tool info_full_case "consume validate transform put fanout replay"
