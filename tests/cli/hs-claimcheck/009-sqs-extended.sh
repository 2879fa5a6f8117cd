#!/bin/sh
# --format sqs-extended writes the Amazon SQS Extended Client's pointer
# with the whole event stored as it was (what its Java consumers read),
# and reads such pointers back, also ones with keys hs did not choose.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

s3_start queue
{ small_event 1; big_event 2 300000; } >in
hs-claimcheck put --format sqs-extended --store s3://queue/big \
	--endpoint "$S3_ENDPOINT" <in >refs || fail "put"
sed -n 1p in >a; sed -n 1p refs >b; expect_file_eq a b
key=$(sed -n 2p refs | sed -n 's/^\["software.amazon.payloadoffloading.PayloadS3Pointer",{"s3BucketName":"queue","s3Key":"\(big\/[0-9a-f]*\.json\)"}\]$/\1/p')
[ -n "$key" ] || fail "bad pointer: $(sed -n 2p refs)"
s3get() {
	curl -sS -f -o "$2" --aws-sigv4 "aws:amz:$AWS_REGION:s3" \
		--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
		-H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$S3_ENDPOINT/queue/$1"
}
s3get "$key" body || fail "object missing"
sed -n 2p in | tr -d '\n' >want
expect_file_eq want body

hs-claimcheck get --format sqs-extended --store s3://queue/big \
	--endpoint "$S3_ENDPOINT" <refs >back || fail "get"
expect_file_eq in back

# A pointer as the Java library writes it: a UUID key, body stored raw.
printf '{"id":"java"}' >jbody
sum=$(sha256sum jbody | cut -c1-64)
curl -sS -f -o /dev/null --aws-sigv4 "aws:amz:$AWS_REGION:s3" \
	--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
	-H "x-amz-content-sha256: $sum" -T jbody \
	"$S3_ENDPOINT/queue/big/5f0d8c1e-6a43-4f7e-9a65-2b0f3c4d9e11" || fail "curl PUT"
printf '["software.amazon.payloadoffloading.PayloadS3Pointer",{"s3BucketName":"queue","s3Key":"big/5f0d8c1e-6a43-4f7e-9a65-2b0f3c4d9e11"}]\n' >jref
hs-claimcheck get --format sqs-extended --store s3://queue/big \
	--endpoint "$S3_ENDPOINT" <jref >jout || fail "get java pointer"
expect_eq "java event" "$(cat jout)" '{"id":"java"}'

# Pointers to another bucket or outside the prefix are refused.
printf '["software.amazon.payloadoffloading.PayloadS3Pointer",{"s3BucketName":"other","s3Key":"big/x"}]\n["software.amazon.payloadoffloading.PayloadS3Pointer",{"s3BucketName":"queue","s3Key":"big/../x"}]\n' >bad
expect_exit 1 hs-claimcheck get --format sqs-extended --store s3://queue/big \
	--endpoint "$S3_ENDPOINT" --dlq dlq <bad >out
expect_eq "refused" "$(grep -c '"reason":"claim_refused"' dlq)" 2
