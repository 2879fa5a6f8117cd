# tests/cli/hs-fanout/aws.sh: helpers for the AWS target tests.  Sourced
# after lib.sh; POSIX sh.  Not a test itself (no number).
#
#   aws_receiver [ARGS]  start tests/services/aws-receiver.py with a key
#                        pair (AKIDTEST / the secret in $aws_secret) and
#                        ARGS, recording entries to rec and requests to
#                        reqs (stopped when the test exits); sets port
#                        and the AWS_* environment (no files, no
#                        instance metadata) for hs-fanout and the CLI
#   eb_events N          in: N events with detail {"n":0}..., in order
#   rec_ns               the detail "n" of each recorded entry, one a line
need python3
python3 -c 'import botocore' 2>/dev/null ||
	skip "python3 cannot import botocore (python3-botocore)"

aws_secret=wJalrXUtnFEMI/K7MDENG/bPxRfiCYtestsecret
export AWS_ACCESS_KEY_ID=AKIDTEST AWS_SECRET_ACCESS_KEY=$aws_secret
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true AWS_REGION=eu-west-1
export AWS_DEFAULT_REGION=eu-west-1
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL_EVENTS 2>/dev/null || :

aws_receiver() {
	rm -f port
	python3 "$HS_TESTS/services/aws-receiver.py" --port-file port \
		--cred "AKIDTEST:$aws_secret" --record rec --requests reqs "$@" &
	_apid=$!
	hs_on_exit "kill $_apid"
	wait_for 10 test -s port || fail "aws receiver did not start"
	port=$(cat port)
	export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
}

eb_events() {
	_i=0
	while [ $_i -lt "$1" ]; do
		echo "{\"source\":\"shop\",\"detail-type\":\"order\",\"time\":\"2026-12-04T03:00:00Z\",\"resources\":[\"r$_i\"],\"detail\":{\"n\":$_i}}"
		_i=$((_i + 1))
	done >in
}

rec_ns() {
	sed 's/.*"Detail":"{\\"n\\":\([0-9]*\)}".*/\1/' rec
}
