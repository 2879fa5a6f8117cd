# A re-put of content already stored reuses its object and starts its age
# again, so gc --older-than never deletes an object that a fresh
# reference still needs (issue 16 item 6).  Both put paths: the whole
# event in memory (a line under 4 MiB) and the streamed one (over).
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

for bytes in 300000 5000000; do
	rm -rf store && mkdir store
	big_event 1 "$bytes" >in
	hs-claimcheck put --store file:store <in >refs1 || fail "put"
	obj=$(find store -type f -name '*.zst')
	[ -n "$obj" ] || fail "no object stored"
	touch -d '10 days ago' "$obj"
	hs-claimcheck put --store file:store --stats <in >refs2 2>err || fail "put again"
	expect_grep ' reused=1' err
	hs-claimcheck gc --store file:store --older-than 7d || fail "gc"
	[ -f "$obj" ] || fail "$bytes: gc deleted the object today's reference needs"
	hs-claimcheck get --store file:store <refs2 >out || fail "$bytes: get after gc"
	expect_file_eq in out
done
