#!/bin/sh
# A second put of the same events stores nothing new and writes the same
# references; the object is not rewritten (same inode, size, mode), only
# its age starts again (023 shows why).
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

mkdir store
{ big_event 1 400000; big_event 2 400000; small_event 3; } >in
hs-claimcheck put --store file:store <in >refs1 || fail "put 1"
find store -type f | sort >list1
stat -c '%n %i %s %a' $(cat list1) >stat1
touch -d '1 hour ago' $(cat list1)
hs-claimcheck put --store file:store --stats <in >refs2 2>err || fail "put 2"
expect_file_eq refs1 refs2
expect_grep 'reused=2' err
find store -type f | sort >list2
expect_file_eq list1 list2
stat -c '%n %i %s %a' $(cat list2) >stat2
expect_file_eq stat1 stat2
[ -z "$(find store -type f -mmin +30)" ] || fail "a reused object kept its old age"
expect_eq "objects" "$(count_lines list1)" 2
# No temporary files are left behind.
[ -z "$(find store -name '.tmp-*')" ] || fail "temporary files left"
