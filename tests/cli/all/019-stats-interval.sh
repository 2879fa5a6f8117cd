# hs(7) --stats-interval: every report adds up, in = out + dlq + filtered
# + inflight, while events are still being read (the reports used to
# count the event in hand as read but not ended, one off), and the last
# report at exit has no inflight.
. "$HS_TESTS/cli/lib.sh"
need awk
awk 'BEGIN { for (i = 1; i <= 200000; i++) printf "{\"n\":%d}\n", i }' >in
mkdir store
check() {
	_name=$1
	shift
	"$@" --stats-interval 1ms in >/dev/null 2>err || fail "$_name: exit $?"
	grep ' stats ' err >lines || fail "$_name: no stats line"
	awk -v name="$_name" '{
		delete v
		for (i = 1; i <= NF; i++)
			if (split($i, kv, "=") == 2)
				v[kv[1]] = kv[2]
		if (v["in"] != v["out"] + v["dlq"] + v["filtered"] + v["inflight"]) {
			print name ": does not add up: " $0
			bad = 1
		}
	}
	END { if (v["inflight"] != "") { print name ": inflight at exit: " $0; bad = 1 }
	      exit bad }' lines >&2 || fail "$_name: see above"
	echo "report: $_name: $(count_lines lines) stats lines add up" >&2
}
check validate hs-validate
check transform hs-transform .
check fanout hs-fanout --pattern '{"n":[{"exists":true}]}'
check put hs-claimcheck put --store file:store
