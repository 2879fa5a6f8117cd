# s3.sh: a local S3-compatible server (s3rver) for CLI tests.
# Sourced by tests/cli/lib.sh (or directly); needs HS_TESTS.
#
#   s3_start [BUCKET...]  start on 127.0.0.1, an ephemeral port; create the
#                         buckets; export S3_ENDPOINT and s3rver's fixed
#                         credentials; stop again when the test exits
#   s3_stop               stop it (objects are kept in $S3_DIR/data)
#   s3_restart            start it again on the same port with the same data
#
# Tests skip (exit 77) when node is not installed.

S3_DIR=${S3_DIR:-$PWD/.s3}

s3_start() {
	if ! command -v node >/dev/null 2>&1; then
		echo "skip: node is not installed (needed for s3rver)" >&2
		exit 77
	fi
	_s3_args=
	for _b in "$@"; do
		_s3_args="$_s3_args --bucket $_b"
	done
	# shellcheck disable=SC2086 # bucket names are single words
	"$HS_TESTS/../scripts/s3-server" start "$S3_DIR" $_s3_args || return 1
	S3_ENDPOINT=$(cat "$S3_DIR/endpoint")
	# s3rver's built-in account (lib/models/account.js): S3RVER / S3RVER.
	AWS_ACCESS_KEY_ID=S3RVER
	AWS_SECRET_ACCESS_KEY=S3RVER
	AWS_REGION=us-east-1
	export S3_ENDPOINT AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION
	unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_REGION
	# Never read the developer's own ~/.aws files.
	AWS_SHARED_CREDENTIALS_FILE=$PWD/.aws-credentials-none
	AWS_CONFIG_FILE=$PWD/.aws-config-none
	export AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE
	if [ -z "${_s3_cleanup:-}" ]; then
		_s3_cleanup=1
		if command -v hs_on_exit >/dev/null 2>&1; then
			hs_on_exit s3_stop
		else
			trap 's3_stop' EXIT
			trap 's3_stop; exit 129' HUP
			trap 's3_stop; exit 130' INT
			trap 's3_stop; exit 143' TERM
		fi
	fi
}

s3_stop() {
	"$HS_TESTS/../scripts/s3-server" stop "$S3_DIR"
}

s3_restart() {
	s3_stop
	_s3_port=${S3_ENDPOINT##*:}
	"$HS_TESTS/../scripts/s3-server" start "$S3_DIR" --port "$_s3_port"
}
