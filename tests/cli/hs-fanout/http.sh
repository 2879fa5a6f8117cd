# tests/cli/hs-fanout/http.sh: helpers for the http target tests.  Sourced
# after lib.sh; POSIX sh.  Not a test itself (no number).
#
#   http_receiver [ARGS]   start tests/services/http-receiver.py with ARGS
#                          (stopped when the test exits); sets rpid, port
#   http_receiver_stop     stop it (before starting another)
#   http_events N          in: N events {"n":0}..., and in.sorted
#   dlq_events FILE        the events of FILE's dead letters, sorted
#   free_port              a loopback port nothing listens on
need python3

http_receiver() {
	rm -f port
	python3 "$HS_TESTS/services/http-receiver.py" --port-file port "$@" &
	rpid=$!
	hs_on_exit "kill $rpid"
	wait_for 10 test -s port || fail "receiver did not start"
	port=$(cat port)
}

http_receiver_stop() {
	kill "$rpid"
	wait "$rpid" 2>/dev/null || :
}

http_events() {
	_i=0
	while [ $_i -lt "$1" ]; do
		echo "{\"n\":$_i}"
		_i=$((_i + 1))
	done >in
	sort in >in.sorted
}

dlq_events() {
	sed 's/.*"event":\({"n":[0-9]*}\).*/\1/' "$1" | sort
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
