# --help: to stdout, exit 0, nothing on stderr, the synopsis line starts
# with "usage: hs-x", and the text names every common option of hs(7)
# that the tool takes (--ack: every stage after hs-consume, not hs-replay,
# which starts a pipe).
. "$HS_TESTS/cli/all/matrix.sh"

help_case() {
	name=$(tool_name "$1")
	expect_exit 0 "$name" --help >out 2>err
	[ ! -s err ] || fail "stderr: $(cat err)"
	head -n1 out | grep -q "^usage: $name " || fail "first line: $(head -n1 out)"
	for o in --dlq --stats --stats-interval --max-event-size --max-depth \
		--unbuffered --quiet --help --version; do
		grep -q -- "$o" out || fail "--help does not mention $o"
	done
	if [ "$1" = replay ]; then
		! grep -q -- --ack out || fail "--help offers --ack"
	else
		grep -q -- --ack out || fail "--help does not mention --ack"
	fi
}
# hs-consume reads Kafka, not stdin, but shares the command-line frame.
for_each_tool help_case "consume validate transform put fanout replay"
