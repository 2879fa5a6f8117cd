#!/bin/sh
# put | get on a file: store is byte-identical for small and large events
# (up to 40 MB); small events pass put unchanged; the reference has the
# documented shape and the --keep fields; the object is compressed.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

mkdir store
{
	small_event 1
	big_event 2 300000
	small_event 3
	big_event 4 30000000
	printf '{"id":"5","detail":"just a string"}\n'
	printf '{"id":"6","detail":[1,2,3]}'          # no final newline
} >in
# The expected input ends with a newline, as every output line does.
{ cat in; echo; } >want

hs-claimcheck put --store file:store --keep /detail/assetId \
	--keep /detail/type --keep /detail/missing --stats <in >refs 2>err ||
	fail "put failed: $(cat err)"
expect_eq "lines out" "$(count_lines refs)" 6
expect_grep 'offloaded=2' err
# Small events pass byte-identical.
sed -n 1p want >a; sed -n 1p refs >b; expect_file_eq a b
sed -n 5,6p want >a; sed -n 5,6p refs >b; expect_file_eq a b
# Large ones carry the reference, kept fields and the rest of the event.
big=$(sed -n 4p refs)
sum=$(sed -n 4p in | sed 's/.*"detail":\({.*}\),"time".*/\1/' | tr -d '\n' |
	sha256sum | cut -c1-64)
case $big in
'{"id":"4","source":"media","detail":{"hs-claim":{"store":"file:store","key":"'$sum'.zst","sha256":"'$sum'","size":'*',"stored_size":'*',"encoding":"zstd","media_type":"application/json"},"assetId":"asset-4","type":"video"},"time":"2026-01-01T00:00:00Z"}') ;;
*) fail "unexpected reference: $(printf %s "$big" | cut -c1-600)" ;;
esac
[ "$(wc -c <refs)" -lt 5000 ] || fail "references are too large"
obj=store/$(echo "$sum" | cut -c1-2)/$(echo "$sum" | cut -c3-4)/$sum.zst
[ -f "$obj" ] || fail "object $obj missing"
zstd -dc "$obj" | tr -d '\n' | sha256sum | grep -q "^$sum " ||
	fail "object does not decompress to the payload"

hs-claimcheck get --store file:store --stats <refs >back 2>err ||
	fail "get failed: $(cat err)"
expect_file_eq want back
expect_grep 'restored=2' err
