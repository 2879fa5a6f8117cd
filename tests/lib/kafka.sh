# tests/lib/kafka.sh: a librdkafka mock cluster for CLI tests.
# POSIX sh, sourced (by tests/cli/lib.sh or a test itself).
#
#   kafka_start [--brokers N] [--topic NAME:PARTITIONS]...
#       Start $HS_TBIN/kafka-mock in the background on loopback ephemeral
#       ports, wait until it listens, export BROKERS (the bootstrap
#       servers) and arrange for kafka_stop to run when the test exits.
#   kafka_ctl COMMAND [ARGS...]
#       Send one command (down 1, up 1, error Produce _TRANSPORT 3,
#       topic NAME 8, leader TOPIC 0 2, rtt 1 500, bootstraps) and wait
#       for its reply: prints what follows "ok", returns 1 on "error:".
#   kafka_stop
#       SIGTERM the mock, wait for it, remove its files.  Idempotent.
#
# The mock keeps at most about 5 MB or 100000 message sets per partition
# (librdkafka 2.0.2) and drops the oldest beyond that.

KAFKA_PID=
KAFKA_DIR=

kafka_start() {
	_k_args=
	while [ $# -gt 0 ]; do
		case $1 in
		--brokers | --topic)
			[ $# -ge 2 ] || { echo "kafka_start: $1 needs a value" >&2; return 2; }
			_k_args="$_k_args $1 $2"
			shift 2
			;;
		*)
			echo "kafka_start: unknown option '$1'" >&2
			return 2
			;;
		esac
	done
	if [ -n "$KAFKA_PID" ]; then
		echo "kafka_start: a mock cluster is already running" >&2
		return 1
	fi
	if [ ! -x "$HS_TBIN/kafka-mock" ]; then
		echo "kafka_start: no $HS_TBIN/kafka-mock (make test-bins)" >&2
		return 1
	fi
	KAFKA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hs-kafka.XXXXXX") || return 1
	# shellcheck disable=SC2086 # topic names in tests hold no blanks
	"$HS_TBIN/kafka-mock" $_k_args --port-file "$KAFKA_DIR/port" \
		--control "$KAFKA_DIR/ctl" >"$KAFKA_DIR/reply" \
		2>"$KAFKA_DIR/err" </dev/null &
	KAFKA_PID=$!
	_kafka_register_cleanup
	_k_i=0
	while [ ! -s "$KAFKA_DIR/port" ]; do
		if ! kill -0 "$KAFKA_PID" 2>/dev/null; then
			echo "kafka_start: kafka-mock exited:" >&2
			cat "$KAFKA_DIR/err" >&2
			KAFKA_PID=
			return 1
		fi
		_k_i=$((_k_i + 1))
		if [ $_k_i -gt 200 ]; then
			echo "kafka_start: kafka-mock did not start in 10s" >&2
			return 1
		fi
		sleep 0.05
	done
	BROKERS=$(cat "$KAFKA_DIR/port")
	export BROKERS
}

_kafka_register_cleanup() {
	[ -z "${_kafka_cleanup_set:-}" ] || return 0
	_kafka_cleanup_set=1
	if command -v hs_on_exit >/dev/null 2>&1; then
		hs_on_exit kafka_stop
	else
		# No lib.sh exit list: own the traps, keeping the status.
		trap '_k_rc=$?; kafka_stop; exit $_k_rc' EXIT
		trap 'exit 130' INT
		trap 'exit 143' TERM
	fi
}

kafka_ctl() {
	if [ -z "$KAFKA_PID" ] || ! kill -0 "$KAFKA_PID" 2>/dev/null; then
		echo "kafka_ctl: the mock cluster is not running" >&2
		return 1
	fi
	_k_n=$(wc -l <"$KAFKA_DIR/reply")
	# The mock holds the fifo open read-write, so this never blocks.
	printf '%s\n' "$*" >"$KAFKA_DIR/ctl"
	_k_i=0
	while [ "$(wc -l <"$KAFKA_DIR/reply")" -le "$_k_n" ]; do
		_k_i=$((_k_i + 1))
		if [ $_k_i -gt 200 ]; then
			echo "kafka_ctl: no reply to '$*'" >&2
			return 1
		fi
		sleep 0.05
	done
	_k_r=$(sed -n "$((_k_n + 1))p" "$KAFKA_DIR/reply")
	case $_k_r in
	ok) return 0 ;;
	"ok "*) printf '%s\n' "${_k_r#ok }" ;;
	*)
		echo "kafka_ctl: $*: $_k_r" >&2
		return 1
		;;
	esac
}

kafka_stop() {
	if [ -n "$KAFKA_PID" ]; then
		kill -TERM "$KAFKA_PID" 2>/dev/null
		wait "$KAFKA_PID" 2>/dev/null
		KAFKA_PID=
	fi
	if [ -n "$KAFKA_DIR" ]; then
		rm -rf "$KAFKA_DIR"
		KAFKA_DIR=
	fi
	return 0
}
