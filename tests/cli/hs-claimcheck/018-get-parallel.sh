#!/bin/sh
# get with several fetches in flight (--parallel): many large events
# interleaved with small ones come back byte-identical and in input
# order, the same with --parallel 1 and 8; a missing object dead-letters
# its own event (its line, its position) and nothing else; SIGTERM with
# fetches in flight writes a prefix of the events, in order.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

s3_start media
i=1
while [ $i -le 24 ]; do
	big_event $i $((200000 + (i % 5) * 60000))
	small_event $i.5
	i=$((i + 1))
done >in
store=s3://media/p
hs-claimcheck put --store $store --endpoint "$S3_ENDPOINT" --parallel 8 \
	<in >refs 2>err || fail "put failed: $(cat err)"
expect_eq "references" "$(grep -c '"hs-claim"' refs)" 24

# A reference to an object this store never got: made in a file: store,
# then pointed at the S3 one.  It goes in as line 10.
mkdir fs
big_event missing 300000 | hs-claimcheck put --store file:fs >mref ||
	fail "put to file: store failed"
sed "s#\"file:fs\"#\"$store\"#" mref >mref.s3
expect_grep "\"$store\"" mref.s3
{ head -n 9 refs; cat mref.s3; tail -n +10 refs; } >refs2

for p in 1 8; do
	expect_exit 1 hs-claimcheck get --store $store --endpoint "$S3_ENDPOINT" \
		--parallel $p --dlq dlq.$p --stats <refs2 >back.$p 2>err.$p
	expect_grep 'restored=24 ' err.$p
	expect_grep 'in=49 out=48 dlq=1' err.$p
	expect_file_eq in back.$p
	expect_eq "dead letters ($p)" "$(count_lines dlq.$p)" 1
	expect_grep '"reason":"claim_missing"' dlq.$p
	expect_grep '"line":10' dlq.$p
	# The dead letter carries the event as it came, reference and all.
	jq -c .event dlq.$p >dl.$p
	jq -c . mref.s3 >want.$p
	expect_file_eq want.$p dl.$p
done
expect_file_eq back.1 back.8

# A stop signal with fetches in flight: they finish, the tool exits, and
# what was written is a prefix of the input, in order.
mkfifo fifo
hs-claimcheck get --store $store --endpoint "$S3_ENDPOINT" --parallel 8 \
	<fifo >out 2>err &
pid=$!
exec 3>fifo
cat refs >&3
kill -TERM $pid
rc=0
wait $pid || rc=$?
exec 3>&-
case $rc in 0 | 143) ;; *) fail "exit status $rc: $(cat err)" ;; esac
head -n "$(count_lines out)" in >want
expect_file_eq want out
