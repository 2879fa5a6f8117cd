#!/bin/sh
# hs-transform --ack: when the program's outputs drop the hs.kafka
# coordinates their input had, no later stage can acknowledge them and
# hs-consume will not commit past them.  hs-transform says so once on
# stderr (also under -q) and counts those outputs in --stats (unacked=N);
# outputs that keep hs, and inputs that had none, are not counted.  The
# acknowledgements themselves are unchanged.
. "$HS_TESTS/cli/lib.sh"

ev() { # offset
	printf '{"x":%s,"hs":{"kafka":{"topic":"t","partition":0,"offset":%s}}}\n' "$1" "$1"
}
{
	ev 1
	ev 2
	echo '{"x":3}'
	ev 4
} >in
prog='if .x == 1 then . elif .x == 2 then (del(.hs), .) else {x} end'
for q in "" -q; do
	rm -f ack acks
	mkfifo ack
	cat ack >acks &
	reader=$!
	hs_on_exit "kill $reader"
	hs-transform $q --stats --ack ack "$prog" in >out 2>err || fail "exit $?"
	wait $reader
	expect_eq "acks $q" "$(cat acks)" "+ t 0 2 1"
	expect_eq "outputs $q" "$(count_lines out)" 5
	expect_eq "one warning $q" "$(grep -c 'no hs.kafka member' err)" 1
	expect_grep 'hs-transform: --ack: the program.s output has no hs.kafka member; later stages cannot acknowledge these events, so hs-consume will not commit past them' err
	expect_grep ' unacked=2$' err
done
# without --ack nothing is said or counted
hs-transform --stats "$prog" in >out 2>err || fail "exit $?"
expect_no_grep 'hs.kafka\|unacked' err
