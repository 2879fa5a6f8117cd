#!/bin/sh
# S3 credentials come from the environment or the shared credentials
# file and profile; none gives a clear error before reading input.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

s3_start media
big_event 1 300000 >in
(
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	hs-claimcheck put --store s3://media --endpoint "$S3_ENDPOINT" \
		<in >out 2>err && echo 0 >rc || echo $? >rc
)
expect_eq "exit status" "$(cat rc)" 2
expect_grep 'hs-claimcheck: no AWS credentials: set AWS_ACCESS_KEY_ID' err
[ ! -s out ] || fail "output without credentials"

cat >creds <<'X'
[default]
aws_access_key_id = nobody
aws_secret_access_key = nothing

[test]
aws_access_key_id = S3RVER
aws_secret_access_key = S3RVER
X
(
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	export AWS_SHARED_CREDENTIALS_FILE=$PWD/creds AWS_PROFILE=test
	hs-claimcheck put --store s3://media --endpoint "$S3_ENDPOINT" \
		<in >out 2>err || fail "profile credentials: $(cat err)"
	expect_grep '"hs-claim"' out
	# A wrong secret is refused by the server: a permanent error.
	export AWS_PROFILE=default
	big_event 2 300000 >in2
	rc=0
	hs-claimcheck put --store s3://media --endpoint "$S3_ENDPOINT" \
		--dlq dlq <in2 >out2 2>err || rc=$?
	expect_eq "wrong key exit" "$rc" 1
	expect_grep '"reason":"store_error"' dlq
	expect_grep 'HTTP 403' dlq
) || exit 1
