#!/bin/sh
# A reader that goes away (| head -n1) ends put and get quietly, also
# when large events are being offloaded and restored.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

mkdir store
{
	big_event 0 300000
	i=1
	while [ $i -lt 20000 ]; do
		small_event $i
		[ $((i % 2000)) -eq 0 ] && big_event $i 300000
		i=$((i + 1))
	done
} >in
hs-claimcheck put --store file:store in 2>err | head -n1 >out
expect_grep '"hs-claim"' out
expect_eq "lines" "$(count_lines out)" 1
[ ! -s err ] || fail "put: stderr not empty: $(cat err)"

hs-claimcheck put --store file:store in >refs || fail "put"
hs-claimcheck get --store file:store refs 2>err | head -n1 >out
sed -n 1p in >want
expect_file_eq want out
[ ! -s err ] || fail "get: stderr not empty: $(cat err)"
