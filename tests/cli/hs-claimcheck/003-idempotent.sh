#!/bin/sh
# A second put of the same events stores nothing new and writes the same
# references; the object is not rewritten.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

mkdir store
{ big_event 1 400000; big_event 2 400000; small_event 3; } >in
hs-claimcheck put --store file:store <in >refs1 || fail "put 1"
find store -type f | sort >list1
ls -l --time-style=full-iso $(cat list1) >stat1
sleep 1
hs-claimcheck put --store file:store --stats <in >refs2 2>err || fail "put 2"
expect_file_eq refs1 refs2
expect_grep 'reused=2' err
find store -type f | sort >list2
expect_file_eq list1 list2
ls -l --time-style=full-iso $(cat list2) >stat2
expect_file_eq stat1 stat2
expect_eq "objects" "$(count_lines list1)" 2
# No temporary files are left behind.
[ -z "$(find store -name '.tmp-*')" ] || fail "temporary files left"
