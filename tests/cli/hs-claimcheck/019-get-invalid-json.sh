#!/bin/sh
# get dead-letters a line that is not JSON even when it mentions no
# reference, with the reason and message every tool gives (invalid_json,
# "byte N: ..."), exits 1, and the events around it go on.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

mkdir store
{
	small_event 1
	printf '{"a":1,}\n'
	small_event 3
	printf 'not json\n'
} >in
expect_exit 1 hs-claimcheck get --store file:store --dlq dlq <in >out 2>err
[ ! -s err ] || fail "stderr with --dlq: $(cat err)"
{ small_event 1; small_event 3; } >want
expect_file_eq want out
expect_eq "dead letters" "$(count_lines dlq)" 2
expect_eq "invalid_json" "$(grep -c '"reason":"invalid_json"' dlq)" 2
expect_grep '"input":{"file":"<stdin>","line":2}' dlq
expect_grep '"input":{"file":"<stdin>","line":4}' dlq
expect_grep '"message":"byte 8: ' dlq
expect_grep '"event_text":"{\\"a\\":1,}"' dlq

# Without --dlq: one located message on stderr, as hs-validate gives it.
printf '{"a":1,}\n' >bad
expect_exit 1 hs-claimcheck get --store file:store <bad >out 2>err
[ ! -s out ] || fail "invalid line written"
expect_grep '^hs-claimcheck: <stdin>:1: invalid_json: byte 8' err

# --refs-only checks the same.
expect_exit 1 hs-claimcheck get --refs-only --store file:store <bad >out 2>/dev/null
[ ! -s out ] || fail "invalid line written with --refs-only"
