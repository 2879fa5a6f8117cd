#!/bin/sh
# put | get through the local S3-compatible server (SigV4 and payload
# hashes checked by tests/services/s3-server.js) is byte-identical for
# small and 40 MB events; a re-put uploads nothing; --refs-only checks.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

s3_start media
{
	small_event 1
	big_event 2 300000
	big_event 3 30000000
	small_event 4
} >in
store=s3://media/claims/v1
hs-claimcheck put --store $store --endpoint "$S3_ENDPOINT" --stats \
	<in >refs 2>err || fail "put failed: $(cat err)"
expect_grep 'offloaded=2' err
expect_grep '"store":"s3://media/claims/v1"' refs
sum=$(sed -n 2p refs | sed 's/.*"sha256":"\([0-9a-f]*\)".*/\1/')

# The object is where the reference says, as the server sees it.
curl -sS -o obj --aws-sigv4 "aws:amz:$AWS_REGION:s3" \
	--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
	-H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' \
	"$S3_ENDPOINT/media/claims/v1/$sum.zst" || fail "curl GET"
zstd -dc obj | sha256sum | grep -q "^$sum " || fail "object content"

hs-claimcheck get --store $store --endpoint "$S3_ENDPOINT" --stats \
	<refs >back 2>err || fail "get failed: $(cat err)"
expect_file_eq in back
expect_grep 'restored=2' err

# Idempotent: a second put uploads nothing: per object a HEAD, then a
# CopyObject onto itself (accepted, 2xx), which on S3 starts the object's
# Last-Modified again so a lifecycle rule counts its age from now.  (The
# test server keeps Last-Modified on a self-copy, so only the request is
# checked here.)
hs-claimcheck put --store $store --endpoint "$S3_ENDPOINT" --stats \
	<in >refs2 2>err || fail "re-put failed: $(cat err)"
expect_file_eq refs refs2
expect_grep 'reused=2' err
expect_grep 'requests=4 ' err

hs-claimcheck get --refs-only --store $store --endpoint "$S3_ENDPOINT" \
	--stats <refs >same 2>err || fail "refs-only failed: $(cat err)"
expect_file_eq refs same
expect_grep 'checked=2' err

# A store given with another prefix does not satisfy the references.
expect_exit 1 hs-claimcheck get --store s3://media/claims --endpoint \
	"$S3_ENDPOINT" --dlq dlq <refs >/dev/null
expect_eq "refused" "$(grep -c '"reason":"claim_refused"' dlq)" 2
