# A reader that goes away (| head -n1): the tool ends quietly, nothing on
# stderr, with status 141 (128 + SIGPIPE, hs(7)).  The output is 5 MB,
# more than a pipe can hold even when a tool grows it to
# /proc/sys/fs/pipe-max-size, so the tool must meet EPIPE.
. "$HS_TESTS/cli/all/matrix.sh"

max=$(cat /proc/sys/fs/pipe-max-size 2>/dev/null || echo 1048576)
n=$((max * 5 / 50 + 1000))
i=0
ev 1 >one
while [ $i -lt 10 ]; do cat one one one one one one one one one one >>ten; i=$((i + 1)); done
i=0
while [ $((i * 100)) -lt "$n" ]; do cat ten; i=$((i + 1)); done >input

head_case() {
	rc=$( (run "$1" <../input 2>err && echo 0 >rc || echo $? >rc) | head -n1 >out; cat rc)
	expect_eq "first line" "$(cat out)" "$(cat ../one)"
	[ ! -s err ] || fail "stderr: $(head -c 300 err)"
	expect_eq "exit status" "$rc" 141
}
for_each_tool head_case
