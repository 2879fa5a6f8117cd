#!/bin/sh
# gc removes objects (and stale temporary files) older than --older-than
# and keeps the rest; --dry-run removes nothing.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

mkdir store
{ big_event 1 300000; big_event 2 300000; } >in
hs-claimcheck put --store file:store <in >refs || fail "put"
old=$(find store -type f | sort | head -n1)
touch -d '10 days ago' "$old"
tmp=$(dirname "$old")/.tmp-$(basename "$old")-abc123
: >"$tmp"
touch -d '10 days ago' "$tmp"

hs-claimcheck gc --store file:store --older-than 7d --dry-run --stats 2>err ||
	fail "dry run"
expect_grep 'removed=2 kept=1' err
expect_eq "files after dry run" "$(find store -type f | wc -l)" 3

hs-claimcheck gc --store file:store --older-than 7d || fail "gc"
expect_eq "files after gc" "$(find store -type f | wc -l)" 1
[ ! -e "$old" ] || fail "old object kept"
[ ! -e "$tmp" ] || fail "old temporary file kept"

# A streamed write's temporary file (its key was not known yet) left by a
# crash sits in DIR/tm/p-; gc removes it when old, keeps it when fresh.
stale=store/tm/p-/.tmp-tmp-stream-x1y2z3
fresh=store/tm/p-/.tmp-tmp-stream-a1b2c3
[ -d store/tm/p- ] || fail "no streaming fan-out directory"
: >"$stale"
: >"$fresh"
touch -d '10 days ago' "$stale"
hs-claimcheck gc --store file:store --older-than 7d || fail "gc"
[ ! -e "$stale" ] || fail "stale streaming temporary file kept"
[ -e "$fresh" ] || fail "fresh streaming temporary file removed"
