#!/bin/sh
# A line over the threshold that is not JSON is dead-lettered with the
# reason and the place, nothing is stored, and the events around it go
# on; get dead-letters a broken line that mentions a reference.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

mkdir store
{
	small_event 1
	printf '{"id":"2","detail":"'
	head -c 400000 /dev/zero | tr '\0' a
	printf '",}\n'
	small_event 3
	printf 'not json at all %0400000d\n' 0
} >in
expect_exit 1 hs-claimcheck put --store file:store --dlq dlq <in >out 2>err
[ ! -s err ] || fail "stderr with --dlq: $(cat err)"
expect_eq "lines out" "$(count_lines out)" 2
expect_eq "dead letters" "$(count_lines dlq)" 2
expect_eq "invalid_json" "$(grep -c '"reason":"invalid_json"' dlq)" 2
expect_grep '"input":{"file":"<stdin>","line":2}' dlq
expect_grep '"input":{"file":"<stdin>","line":4}' dlq
expect_grep '"message":"byte 400023: ' dlq
[ -z "$(find store -type f)" ] || fail "an object was stored"
# The dead letters carry the original lines, whole.
if command -v jq >/dev/null 2>&1; then
	sed -n '2p;4p' in >want
	jq -r .event_text dlq >got
	expect_file_eq want got
fi

# Without --dlq the reason goes to stderr, located.
expect_exit 1 hs-claimcheck put --store file:store <in >out 2>err
expect_grep 'invalid_json' err

printf '{"detail":{"hs-claim":{"store":"file:store",}}}\n' >bad
expect_exit 1 hs-claimcheck get --store file:store --dlq dlq2 <bad >out
expect_grep '"reason":"invalid_json"' dlq2
[ ! -s out ] || fail "broken reference written"
