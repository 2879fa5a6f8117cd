#!/bin/sh
# hs-transform --ack reports each event it finishes by that event's own
# coordinates, also when several events are in one batch (on worker threads
# or not): a filtered event is finished ('-' with its offset, not the last
# line read), an event that became two outputs first says so ('+ ... 1'),
# and one that became a single output is left to the next stage.
. "$HS_TESTS/cli/lib.sh"

ev() { # offset, payload
	printf '{"x":%s,"hs":{"kafka":{"topic":"t","partition":0,"offset":%s}}}\n' "$2" "$1"
}
{
	ev 1 '[1]'
	ev 2 '[]'
	ev 3 '[1,2]'
	ev 4 '[5]'
	echo 'not json'
} >in
want='- t 0 2
+ t 0 3 1'
for j in 1 2; do
	rm -f ack acks
	mkfifo ack
	cat ack >acks &
	reader=$!
	hs_on_exit "kill $reader"
	expect_exit 1 hs-transform -q --threads $j --ack ack '.x[]' in >out
	wait $reader
	expect_eq "acks with -j $j" "$(cat acks)" "$want"
	expect_eq "outputs with -j $j" "$(cat out | tr '\n' ' ')" "1 1 2 5 "
done
