# --version: stdout, exit 0, names hs and the linked librdkafka, libcurl
# and zstd versions (as they report themselves at run time).
. "$HS_TESTS/cli/all/matrix.sh"

version_case() {
	name=$(tool_name "$1")
	expect_exit 0 "$name" --version >out 2>err
	[ ! -s err ] || fail "stderr: $(cat err)"
	grep -q "^$name (hs) [0-9]" out || fail "first line: $(head -n1 out)"
	grep -q 'librdkafka [0-9][0-9.]*' out || fail "no librdkafka version"
	grep -q 'libcurl/[0-9][0-9.]*' out || fail "no libcurl version"
	grep -q 'zstd [0-9][0-9.]*' out || fail "no zstd version"
}
for_each_tool version_case "consume validate transform put fanout replay"
