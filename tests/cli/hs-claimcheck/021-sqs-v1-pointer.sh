#!/bin/sh
# get --format sqs-extended restores the pointers of both classes the SQS
# Extended Client has written: version 1's
# com.amazon.sqs.javamessaging.MessageS3Pointer as well as the current
# software.amazon.payloadoffloading.PayloadS3Pointer (issue 17), with the
# same store checks; put keeps writing the current class.
. "$HS_TESTS/cli/lib.sh"

s3_start queue
s3put() {
	sum=$(sha256sum "$2" | cut -c1-64)
	curl -sS -f -o /dev/null --aws-sigv4 "aws:amz:$AWS_REGION:s3" \
		--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
		-H "x-amz-content-sha256: $sum" -T "$2" \
		"$S3_ENDPOINT/queue/$1" || fail "curl PUT $1"
}
printf '{"id":"v1"}' >b1
printf '{"id":"v2"}' >b2
s3put big/0b7e2a4c-1d2f-4e3a-9b8c-7d6e5f4a3b21 b1
s3put big/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d b2
{
	printf '["com.amazon.sqs.javamessaging.MessageS3Pointer",{"s3BucketName":"queue","s3Key":"big/0b7e2a4c-1d2f-4e3a-9b8c-7d6e5f4a3b21"}]\n'
	printf '{"id":"small"}\n'
	printf '["software.amazon.payloadoffloading.PayloadS3Pointer",{"s3BucketName":"queue","s3Key":"big/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"}]\n'
} >refs
hs-claimcheck get --format sqs-extended --store s3://queue/big \
	--endpoint "$S3_ENDPOINT" <refs >out 2>err || fail "get: $(cat err)"
printf '{"id":"v1"}\n{"id":"small"}\n{"id":"v2"}\n' >want
expect_file_eq want out

# A version 1 pointer outside the stores given is refused, and one
# without a bucket is malformed, as for the current class.
{
	printf '["com.amazon.sqs.javamessaging.MessageS3Pointer",{"s3BucketName":"other","s3Key":"big/x"}]\n'
	printf '["com.amazon.sqs.javamessaging.MessageS3Pointer",{"s3Key":"big/x"}]\n'
} >bad
expect_exit 1 hs-claimcheck get --format sqs-extended --store s3://queue/big \
	--endpoint "$S3_ENDPOINT" --dlq dlq <bad >out2 2>/dev/null
[ ! -s out2 ] || fail "bad pointers passed: $(cat out2)"
expect_eq "refused" "$(grep -c '"reason":"claim_refused"' dlq)" 1
expect_eq "invalid" "$(grep -c '"reason":"claim_invalid"' dlq)" 1

# put writes the current class only.
printf '{"id":"p","pad":"%s"}\n' "$(head -c 3000 /dev/zero | tr '\0' x)" >in
hs-claimcheck put --format sqs-extended --threshold 1024 \
	--store s3://queue/big --endpoint "$S3_ENDPOINT" <in >ptr ||
	fail "put"
expect_grep '^\["software\.amazon\.payloadoffloading\.PayloadS3Pointer",' ptr
