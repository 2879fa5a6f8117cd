#!/bin/sh
# Several objects in flight (--parallel): many large events interleaved
# with small ones round-trip byte-identical and in input order; the
# output is the same with one transfer at a time; SIGTERM with uploads
# in flight still leaves only references to stored objects.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

s3_start media
i=1
while [ $i -le 16 ]; do
	big_event $i $((200000 + i * 40000))
	small_event $i.5
	small_event $i.7
	i=$((i + 1))
done >in
store=s3://media/p
hs-claimcheck put --store $store --endpoint "$S3_ENDPOINT" --parallel 6 \
	--stats <in >refs 2>err || fail "put failed: $(cat err)"
expect_grep 'offloaded=16 ' err
expect_grep 'in=48 out=48 dlq=0' err
# Input order kept: the ids come out as they went in.
sed 's/^{"id":"\([0-9.]*\)".*/\1/' in >ids-in
sed 's/^{"id":"\([0-9.]*\)".*/\1/' refs >ids-out
expect_file_eq ids-in ids-out
expect_eq "references" "$(grep -c '"hs-claim"' refs)" 16

hs-claimcheck get --store $store --endpoint "$S3_ENDPOINT" <refs >back ||
	fail "get failed"
expect_file_eq in back

# The same output one transfer at a time (all objects exist now: HEADs).
hs-claimcheck put --store $store --endpoint "$S3_ENDPOINT" --parallel 1 \
	--stats <in >refs1 2>err || fail "put --parallel 1 failed"
expect_file_eq refs refs1
expect_grep 'reused=16 ' err

# A stop signal with uploads in flight: they finish, then the tool exits.
mkfifo fifo
hs-claimcheck put --store s3://media/q --endpoint "$S3_ENDPOINT" \
	--parallel 8 <fifo >out 2>err &
pid=$!
exec 3>fifo
cat in >&3
kill -TERM $pid
rc=0
wait $pid || rc=$?
exec 3>&-
expect_eq "exit status" "$rc" 143
hs-claimcheck get --refs-only --store s3://media/q --endpoint "$S3_ENDPOINT" \
	<out >/dev/null || fail "a written reference does not resolve"
# What was written is a prefix of the input, in order.
sed 's/^{"id":"\([0-9.]*\)".*/\1/' out >ids-out
head -n "$(count_lines out)" ids-in >want
expect_file_eq want ids-out

expect_exit 2 hs-claimcheck put --store $store --parallel 0 </dev/null
