#!/bin/sh
# A write error on stdout is reported and exits 3, for put and get; the
# object of an event that could not be written stays stored (harmless:
# content-addressed, found again by a re-put).
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

[ -w /dev/full ] || skip "no /dev/full"
mkdir store
{ small_event 1; big_event 2 300000; } >in
expect_exit 3 hs-claimcheck put --store file:store <in >/dev/full 2>err
expect_grep '^hs-claimcheck: write error on stdout: No space left on device$' err
expect_eq "stderr lines" "$(count_lines err)" 1

hs-claimcheck put --store file:store <in >refs || fail "put"
expect_exit 3 hs-claimcheck get --store file:store <refs >/dev/full 2>err
expect_grep '^hs-claimcheck: write error on stdout: No space left on device$' err
