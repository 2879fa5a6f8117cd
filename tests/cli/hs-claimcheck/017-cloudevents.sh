#!/bin/sh
# --format cloudevents: a large CloudEvent's data goes to the store and
# the standard "dataref" attribute names it, with the hash and sizes in
# the "hsclaim" extension attribute; get puts data back, verified, and
# refuses datarefs outside the stores given; file: and S3 round trips.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

ce_event() {
	printf '{"specversion":"1.0","id":"%s","source":"/media","type":"asset.created","datacontenttype":"application/json","data":{"assetId":"a-%s","blob":"' "$1" "$1"
	head -c "$2" /dev/urandom | base64 -w0
	printf '"},"time":"2026-01-01T00:00:00Z"}\n'
}
mkdir store
{
	ce_event 1 300000
	printf '{"specversion":"1.0","id":"2","source":"/s","type":"t","data":{"x":1}}\n'
	ce_event 3 2000000
	printf '{"specversion":"1.0","id":"4","source":"/s","type":"t","data":"'
	head -c 400000 /dev/zero | tr '\0' x
	printf '"}\n'
} >in
hs-claimcheck put --format cloudevents --store file:store --stats <in \
	>refs 2>err || fail "put failed: $(cat err)"
expect_grep 'offloaded=3 ' err
sed -n 2p in >a; sed -n 2p refs >b; expect_file_eq a b
sum=$(sed -n 1p in | sed 's/.*"data":\({.*}\),"time".*/\1/' | tr -d '\n' |
	sha256sum | cut -c1-64)
line=$(sed -n 1p refs)
case $line in
'{"specversion":"1.0","id":"1","source":"/media","type":"asset.created","datacontenttype":"application/json","dataref":"file:store/'$sum'.zst","hsclaim":"encoding=zstd sha256='$sum' size='*' stored_size='*'","time":"2026-01-01T00:00:00Z"}') ;;
*) fail "bad CloudEvents reference: $(echo "$line" | cut -c1-400)" ;;
esac
[ "$(grep -c '"data":' refs)" = 1 ] || fail "data left in offloaded events"

hs-claimcheck get --format cloudevents --store file:store <refs >back ||
	fail "get failed"
expect_file_eq in back
# The native format does not see these references, and the reverse.
hs-claimcheck get --store file:store <refs >same || fail "native get"
expect_file_eq refs same

# Hostile datarefs: another store, a path, a key that is not the address.
hc="\"hsclaim\":\"encoding=zstd sha256=$sum size=7 stored_size=7\""
{
	printf '{"specversion":"1.0","id":"h1","source":"/s","type":"t","dataref":"file:/etc/%s.zst",%s}\n' "$sum" "$hc"
	printf '{"specversion":"1.0","id":"h2","source":"/s","type":"t","dataref":"file:store/../%s.zst",%s}\n' "$sum" "$hc"
	printf '{"specversion":"1.0","id":"h3","source":"/s","type":"t","dataref":"file:store/passwd",%s}\n' "$hc"
	printf '{"specversion":"1.0","id":"h4","source":"/s","type":"t","dataref":"https://169.254.169.254/x",%s}\n' "$hc"
	printf '{"specversion":"1.0","id":"h5","source":"/s","type":"t","dataref":"file:store/%s.zst","hsclaim":"size=1"}\n' "$sum"
} >bad
expect_exit 1 hs-claimcheck get --format cloudevents --store file:store \
	--dlq dlq <bad >out
[ ! -s out ] || fail "hostile reference restored"
expect_eq "refused" "$(grep -c '"reason":"claim_refused"' dlq)" 4
expect_eq "invalid" "$(grep -c '"reason":"claim_invalid"' dlq)" 1

# A large event that is no CloudEvent is dead-lettered, not half-stored.
big_event 9 300000 >native
expect_exit 1 hs-claimcheck put --format cloudevents --store file:store \
	--dlq dlq2 <native >out
expect_grep '"reason":"too_large"' dlq2
expect_exit 2 hs-claimcheck put --format cloudevents --store file:store \
	--keep /detail/x </dev/null

# The same through S3, several in flight.
s3_start media
hs-claimcheck put --format cloudevents --store s3://media/ce \
	--endpoint "$S3_ENDPOINT" <in >s3refs || fail "s3 put"
expect_grep '"dataref":"s3://media/ce/[0-9a-f]*\.zst"' s3refs
hs-claimcheck get --format cloudevents --store s3://media/ce \
	--endpoint "$S3_ENDPOINT" <s3refs >s3back || fail "s3 get"
expect_file_eq in s3back

# Store down: the dead letters hold the events exactly as they came in,
# put together again from the reference line and the object.
s3_stop
expect_exit 75 hs-claimcheck put --format cloudevents --store s3://media/ce2 \
	--endpoint "$S3_ENDPOINT" --retries 0 --object-timeout 2s --dlq dlq3 <in >out
expect_eq "lines out" "$(count_lines out)" 1
if command -v jq >/dev/null 2>&1; then
	sed -n '1p;3p;4p' in >want
	jq -c .event dlq3 >got
	expect_file_eq want got
fi
