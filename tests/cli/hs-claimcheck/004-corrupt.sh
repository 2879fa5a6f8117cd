#!/bin/sh
# A changed object is detected by its SHA-256, a missing one reported;
# both dead-letter the event with the reason and exit 1.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

mkdir store
{ big_event 1 400000; big_event 2 400000 x2; small_event 3; } >in
hs-claimcheck put --store file:store <in >refs || fail "put"
obj1=$(find store -type f | sort | head -n1)
obj2=$(find store -type f | sort | tail -n1)
[ "$obj1" != "$obj2" ] || fail "want two objects"

# Same size, other content: recompress a modified payload.
chmod u+w "$obj1"
zstd -dc "$obj1" | sed 's/A/B/' | zstd -1 -q -c >tmp && cat tmp >"$obj1"
rm -f "$obj2"

expect_exit 1 hs-claimcheck get --store file:store --dlq dlq <refs >out
expect_eq "restored lines" "$(count_lines out)" 1
expect_grep '"id":"3"' out
expect_grep '"reason":"claim_corrupt"' dlq
expect_grep '"reason":"claim_missing"' dlq
expect_eq "dead letters" "$(count_lines dlq)" 2

# Garbage instead of a zstd frame.
hs-claimcheck put --store file:store <in >refs || fail "put again"
obj1=$(find store -type f | sort | head -n1)
chmod u+w "$obj1"
echo garbage >"$obj1"
expect_exit 1 hs-claimcheck get --store file:store --dlq dlq2 <refs >out
expect_grep '"reason":"claim_corrupt"' dlq2
