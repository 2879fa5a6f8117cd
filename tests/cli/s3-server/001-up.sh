#!/bin/sh
# The test S3 server starts on an ephemeral port, stores and returns an
# object signed with curl's own SigV4 implementation, rejects a wrong
# secret and a payload hash that does not match the body, keeps its data
# over a restart, and is gone after s3_stop.
. "$HS_TESTS/cli/lib.sh"

s3_start bucket-a

s3curl() {
	curl -sS --aws-sigv4 "aws:amz:$AWS_REGION:s3" \
		--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" "$@"
}

case $S3_ENDPOINT in
http://127.0.0.1:[0-9]*) ;;
*) echo "bad endpoint '$S3_ENDPOINT'" >&2; exit 1 ;;
esac

printf 'payload %s\n' "$$" >obj
sum=$(sha256sum obj | cut -c1-64)
code=$(s3curl -o put.out -w '%{http_code}' -H "x-amz-content-sha256: $sum" \
	-T obj "$S3_ENDPOINT/bucket-a/dir/obj")
[ "$code" = 200 ] || { echo "PUT gave $code" >&2; cat put.out >&2; exit 1; }

code=$(s3curl -o got -w '%{http_code}' \
	-H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$S3_ENDPOINT/bucket-a/dir/obj")
[ "$code" = 200 ] || { echo "GET gave $code" >&2; exit 1; }
cmp obj got || exit 1

# A wrong secret is refused: signatures are really checked.
code=$(curl -sS -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:$AWS_REGION:s3" \
	--user "$AWS_ACCESS_KEY_ID:wrong" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' \
	"$S3_ENDPOINT/bucket-a/dir/obj")
[ "$code" = 403 ] || { echo "wrong secret gave $code" >&2; exit 1; }

# A payload hash that does not match the body is refused.
code=$(s3curl -o bad.out -w '%{http_code}' \
	-H "x-amz-content-sha256: $(printf x | sha256sum | cut -c1-64)" \
	-T obj "$S3_ENDPOINT/bucket-a/dir/other")
[ "$code" = 400 ] || { echo "bad payload hash gave $code" >&2; exit 1; }
grep -q XAmzContentSHA256Mismatch bad.out || exit 1

# Data survives a restart on the same endpoint.
s3_restart
code=$(s3curl -o got2 -w '%{http_code}' \
	-H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$S3_ENDPOINT/bucket-a/dir/obj")
[ "$code" = 200 ] || { echo "GET after restart gave $code" >&2; exit 1; }
cmp obj got2 || exit 1

s3_stop
if curl -s -o /dev/null --max-time 5 "$S3_ENDPOINT/"; then
	echo "server still answers after s3_stop" >&2
	exit 1
fi
exit 0
