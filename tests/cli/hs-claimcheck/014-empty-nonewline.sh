#!/bin/sh
# Empty input gives empty output and status 0; a last line without a
# newline is an event like any other, for put and get, small and large.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

mkdir store
hs-claimcheck put --store file:store </dev/null >out 2>err || fail "put empty"
[ ! -s out ] && [ ! -s err ] || fail "output from empty input"
hs-claimcheck get --store file:store </dev/null >out 2>err || fail "get empty"
[ ! -s out ] && [ ! -s err ] || fail "output from empty input"
[ -z "$(find store -type f)" ] || fail "objects from empty input"

small_event 1 | tr -d '\n' >small
hs-claimcheck put --store file:store <small >out || fail "put small"
{ cat small; echo; } >want
expect_file_eq want out

big_event 2 300000 | tr -d '\n' >big
hs-claimcheck put --store file:store <big >refs || fail "put big"
expect_eq "lines" "$(count_lines refs)" 1
expect_grep '"hs-claim"' refs
tr -d '\n' <refs >refs-nonl
hs-claimcheck get --store file:store <refs-nonl >back || fail "get"
{ cat big; echo; } >want
expect_file_eq want back
