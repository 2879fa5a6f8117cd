#!/bin/sh
# hs-consume: the last stage of the pipe reads one line and exits while
# the topic is idle: hs-consume notices without a write, ends quietly
# with the status of EPIPE (141) and commits what reached the pipe, so a
# restart of the group reads nothing again.  Without -G as well.
. "$HS_TESTS/cli/lib.sh"
need kcat
kafka_start --topic i:2 || fail "no mock cluster"
printf '%s\n' '{"n":1}' '{"n":2}' '{"n":3}' | kcat -P -b "$BROKERS" -t i -p 0 ||
	fail produce

fast="-X session.timeout.ms=6000 -X heartbeat.interval.ms=500"
gone() { ! kill -0 "$1"; }
# $1 = label, the rest = hs-consume options
run() {
	_l=$1
	shift
	rm -f outp
	mkfifo outp
	# shellcheck disable=SC2086
	{ hs-consume -b "$BROKERS" -t i "$@" $fast >outp 2>"$_l.err" && echo 0 >"$_l.rc" || echo $? >"$_l.rc"; } &
	_p=$!
	hs_on_exit "kill $_p 2>/dev/null"
	{ read -r _line <outp; echo "$_line" >"$_l.first"; } || fail "$_l: nothing read"
	wait_for 20 gone $_p || fail "$_l: still up after its reader left"
	expect_eq "$_l: exit status" "$(cat "$_l.rc")" 141
	[ ! -s "$_l.err" ] || fail "$_l: stderr not empty: $(cat "$_l.err")"
}
run group -G ig
expect_grep '"n":1' group.first
# shellcheck disable=SC2086
hs-consume -b "$BROKERS" -t i -G ig -e $fast >again 2>again.err || { cat again.err >&2; fail "restart"; }
expect_eq "committed what reached the pipe" "$(count_lines again)" 0
run direct -o beginning
