#!/bin/sh
# --object-timeout is the per-object time limit; the old spelling
# --timeout still works for one release with one warning on stderr.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

mkdir store
small_event 1 >in
hs-claimcheck put --store file:store --object-timeout 5s <in >out 2>err ||
	fail "put --object-timeout"
[ ! -s err ] || fail "stderr: $(cat err)"
hs-claimcheck put --store file:store --timeout 5s <in >out2 2>err ||
	fail "put --timeout"
echo "hs-claimcheck: --timeout is deprecated: use --object-timeout" >want
expect_file_eq want err
expect_file_eq out out2
expect_exit 2 hs-claimcheck put --store file:store --object-timeout 0 \
	<in >/dev/null 2>err
grep -q "bad --object-timeout '0'" err || fail "bad value: $(cat err)"
