# e2e: the demo's pipe with --ack on every stage, through a filtering
# stage and a 1-to-N stage (media events become two), is killed three
# times: each time one stage chosen at random gets SIGKILL at a random
# moment (after a random number of events reached the studio spoke), the
# rest of the pipe ends (or is stopped with SIGTERM as a service manager
# would, SIGKILL after 15 s), and the pipe starts again in the same group.  Afterwards every
# event reached every spoke its rules name at least once, checked by
# event id against what jq computes from the source alone.  HS_SEED sets
# the seed (printed in the report line).
# hs-test: serial (kills at moments chosen by progress; bounded waits)
need jq zstd setsid
. "$HS_TESTS/cli/e2e/pipe.sh"
seed=${HS_SEED:-$(date +%s)}
kafka_start --topic media:2 --topic spoke.player:2 || fail "no mock cluster"
e2e_gen 600
drop='(.id | test("^[0-3]"))'
split='., (select(.source == "com.example.media") | .id += "-2")'
# what each spoke should hold: the demo's rules after the two stages
keep() {
	jq -r "$E2E_JQ_DEFS select(delivered and ($1)) | select($drop | not) | $split | .id" \
		source.ndjson | sort >"want.$2"
}
keep '.source | startswith("com.example.")' archive
keep '.source == "com.example.media" and .detail.kind == "audio"' studio
keep '.source == "com.example.player"' player
d=$PWD
mkdir -p archive claims
# the studio spoke reads at a bounded pace and hs-fanout queues little for
# it, so the pipe is busy (and its pipes full) when a stage is killed, and counts what it read in
# studio.seen (its hs-claimcheck get writes in blocks)
cat >slow.jq <<'EOF2'
(.[] | select(.name == "studio") | .targets[0]) |= {queue: 10, uri: sub("exec hs-claimcheck get";
  "while read -r l; do printf \"%s\\n\" \"$l\"; echo >>@DIR@/studio.seen; sleep 0.005; done | hs-claimcheck get")}
EOF2
jq -f slow.jq "$E2E_DEMO/spokes.json" | sed "s|@DIR@|$d|g" >spokes.json
# one stage per line; each writes its pid to NAME.pid before it starts
cat >run <<EOF2
a="--ack $d/ack.fifo"
st() { sh -c 'echo \$\$ >"\$0.pid"; exec "\$@"' "\$@"; }
st consume hs-consume -b "$BROKERS" -t media -G g -X session.timeout.ms=6000 -X auto.commit.interval.ms=100 -X fetch.message.max.bytes=$E2E_BIG \$a \$1 2>>consume.err |
st validate hs-validate --registry "$E2E_DEMO/schemas" --ref-map "https://schemas.example.com/=$E2E_DEMO/schemas/" --dlq dlq.ndjson \$a 2>>validate.err |
st normalize hs-transform -f "$E2E_DEMO/normalize.jq" --dlq dlq.ndjson \$a 2>>transform.err |
st filter hs-transform 'select($drop | not)' \$a 2>>transform.err |
st split hs-transform '$split' \$a 2>>transform.err |
st claimcheck hs-claimcheck put --store file:$d/claims --keep /detail/assetId --keep /detail/kind --dlq dlq.ndjson \$a 2>>claimcheck.err |
st fanout hs-fanout --rules spokes.json -b "$BROKERS" -X message.max.bytes=$E2E_BIG --dlq dlq.ndjson \$a 2>>fanout.err
EOF2
stages="consume validate normalize filter split claimcheck fanout"
# three kill moments (events the studio spoke read, counted over every
# run: at most w, so each is reached) and three stages, from the seed
w=$(count_lines want.studio)
set -- $(awk -v s="$seed" -v w="$w" -v st="$stages" 'BEGIN {
	srand(s); n = split(st, a, " ")
	for (i = 0; i < 3; i++) t[i] = int(w / 10 + rand() * w * 8 / 10)
	for (i = 0; i < 3; i++) for (j = i + 1; j < 3; j++)
		if (t[j] < t[i]) { x = t[i]; t[i] = t[j]; t[j] = x }
	for (i = 0; i < 3; i++) printf "%d %s ", t[i], a[1 + int(rand() * n)]
}')
gone() { ! kill -0 -$pg 2>/dev/null; }
e2e_publish source.ndjson || fail "publish"
report="seed=$seed"
for k in 1 2 3; do
	at=$1 victim=$2
	shift 2
	rm -f ./*.pid
	setsid sh run &
	pg=$!
	hs_on_exit "kill -KILL -$pg"
	wait_for 30 _has_lines studio.seen $at ||
		fail "run $k: the studio spoke did not read $at events ($report)"
	wait_for 5 test -s $victim.pid || fail "no pid for $victim ($report)"
	kill -KILL "$(cat $victim.pid)" || fail "kill $victim"
	how=ended
	if ! wait_for 5 gone; then
		how=stopped
		kill -TERM -$pg
		# a stage that does not stop (seen: every stage after a killed
		# hs-consume, seeds 5 and 7) gets SIGKILL, as a service
		# manager's stop timeout sends it; the report says "killed"
		if ! wait_for 15 gone; then
			how=killed
			kill -KILL -$pg
			wait_for 5 gone || fail "run $k: SIGKILL did not end the pipe"
		fi
	fi
	wait $pg || :
	report="$report kill$k=$victim@$at($how)"
done
# the last run reads to the end of the topic (-e) and waits for the acks
timeout 60 sh run -e || fail "the last run: $(tail -n 3 consume.err fanout.err)"
ids() { # the ids a spoke holds, one a line
	case $1 in
	archive) zstd -dcq archive/*.zst 2>/dev/null | jq -r .id 2>/dev/null ;;
	studio) jq -r .id studio.ndjson 2>/dev/null ;;
	player)
		hs-consume -b "$BROKERS" -t spoke.player -o beginning -e 2>/dev/null |
			jq -r .id
		;;
	esac
}
for spoke in archive studio player; do
	ids $spoke | sort >got.$spoke
	sort -u got.$spoke | comm -23 want.$spoke - >lost.$spoke
	[ ! -s lost.$spoke ] || fail "$spoke: $(count_lines lost.$spoke) events never arrived, e.g. $(head -2 lost.$spoke | tr '\n' ' ') ($report)"
	report="$report $spoke=$(sort -u got.$spoke | wc -l | tr -d ' ')/$(count_lines got.$spoke)"
done
echo "report: $report" >&2
