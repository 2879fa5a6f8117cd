#!/bin/sh
# hs-consume: the cluster goes away mid-stream; with --timeout the run
# ends with 75 soon after the deadline, with a group (which had joined and
# holds partitions) and without; each librdkafka error is said once.
# hs-test: serial (bounds elapsed time)
. "$HS_TESTS/cli/lib.sh"
need kcat

gone() { ! kill -0 "$1"; }
# $1 = label, the rest = hs-consume options
run() {
	_l=$1
	shift
	kafka_start --topic u:2 || fail "no mock cluster"
	awk 'BEGIN { for (i = 1; i <= 100; i++) printf "k%d:{\"n\":%d}\n", i, i }' |
		kcat -P -b "$BROKERS" -t u -K: || fail produce
	hs-consume -b "$BROKERS" -t u -u --timeout 2s "$@" >"$_l.out" 2>"$_l.err" &
	_p=$!
	hs_on_exit "kill -9 $_p 2>/dev/null"
	wait_lines 30 "$_l.out" 100 || fail "$_l: only $(count_lines "$_l.out") of 100"
	kafka_stop
	_start=$(date +%s)
	# 2s to notice, one metadata look, a bounded commit and close.
	wait_for 15 gone $_p || fail "$_l: still running $(($(date +%s) - _start))s after the cluster went away"
	wait $_p && _st=0 || _st=$?
	expect_eq "$_l: exit status" "$_st" 75
	expect_grep 'unreachable for 2s' "$_l.err"
	# librdkafka's log line "[thrd:...]: X" and its error "X" are one error.
	sed 's/^hs-consume: kafka: \[thrd:[^]]*\]: /hs-consume: kafka: /' "$_l.err" |
		sort | uniq -d >"$_l.dup"
	[ ! -s "$_l.dup" ] || { cat "$_l.dup" >&2; fail "$_l: errors printed twice"; }
}
run group -G ug
run direct
