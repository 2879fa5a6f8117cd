# tests/cli/e2e/pipe.sh: the demo's pipe for end-to-end tests.  Sourced
# after lib.sh; POSIX sh.  Not a test itself (no number).
#
#   e2e_gen N [gen-events args]   source.ndjson: N events, 4% invalid,
#                                 3 with 64-bit ids, plus the args
#   e2e_publish FILE [TOPIC]      produce FILE's lines to TOPIC (media)
#                                 keyed by /detail/assetId, via hs-fanout
#   e2e_pipe_script DIR GROUP [hs-consume args]
#                                 write DIR/run: the demo pipeline from
#                                 topic media (group GROUP) to DIR's spokes
#                                 (DIR/archive/, DIR/studio.ndjson through
#                                 exec: hs-claimcheck get, kafka://spoke.player)
#   e2e_small N TOPIC             src: N small events {"id":"eI",
#                                 "source":"s","detail":{"i":I}}, produced
#                                 to TOPIC keyed by id
#   e2e_want                      want.{archive,studio,player,schema,lossy}:
#                                 sorted ids each spoke and dead-letter reason
#                                 should hold, by jq over source.ndjson only
#   e2e_ids FILE...               sorted ids of the events in FILEs
#                                 (.zst decompressed)
#
# The expectations restate the demo schemas' rules and the spokes' patterns
# in jq, independently of hs-validate and hs-fanout.

E2E_DEMO=$HS_TESTS/../scripts/demo.d
E2E_BIG=4194304

e2e_gen() {
	_n=$1
	shift
	"$HS_TBIN/gen-events" -n "$_n" --invalid 4 --ids64 3 "$@" >source.ndjson
}

e2e_publish() {
	cat >publish.json <<-EOF
	[{"name":"p","pattern":{"id":[{"exists":true}]},
	  "targets":[{"uri":"kafka://${2:-media}","key":"/detail/assetId"}]}]
	EOF
	hs-fanout -q -b "$BROKERS" -X message.max.bytes=$E2E_BIG \
		--rules publish.json "$1"
}

e2e_small() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
		printf "{\"id\":\"e%d\",\"source\":\"s\",\"detail\":{\"i\":%d}}\n", i, i }' >src
	echo "[{\"name\":\"p\",\"pattern\":{\"id\":[{\"exists\":true}]},\"targets\":[{\"uri\":\"kafka://$2\",\"key\":\"/id\"}]}]" >pub.json
	hs-fanout -q -b "$BROKERS" --rules pub.json src
}

e2e_pipe_script() {
	_d=$(cd "$1" 2>/dev/null && pwd || { mkdir -p "$1" && cd "$1" && pwd; })
	_g=$2
	shift 2
	mkdir -p "$_d/archive" "$_d/claims"
	sed "s|@DIR@|$_d|g" "$E2E_DEMO/spokes.json" >"$_d/spokes.json"
	cat >"$_d/run" <<-EOF
	# the demo pipeline, one stage per line; exit statuses in $_d/*.rc
	cd "$_d"
	{ trap : TERM INT; hs-consume -b "$BROKERS" -t media -G $_g --stats -X session.timeout.ms=6000 -X fetch.message.max.bytes=$E2E_BIG $* 2>consume.err; echo \$? >consume.rc; } |
	{ trap : TERM INT; hs-validate --registry "$E2E_DEMO/schemas" --ref-map "https://schemas.example.com/=$E2E_DEMO/schemas/" --dlq dlq.ndjson --stats 2>validate.err; echo \$? >validate.rc; } |
	{ trap : TERM INT; hs-transform -f "$E2E_DEMO/normalize.jq" --dlq dlq.ndjson --stats 2>transform.err; echo \$? >transform.rc; } |
	{ trap : TERM INT; hs-claimcheck put --store file:$_d/claims --keep /detail/assetId --keep /detail/kind --dlq dlq.ndjson --stats 2>claimcheck.err; echo \$? >claimcheck.rc; } |
	{ trap : TERM INT; hs-fanout --rules spokes.json -b "$BROKERS" -X message.max.bytes=$E2E_BIG --dlq dlq.ndjson --stats 2>fanout.err; echo \$? >fanout.rc; }
	EOF
}

# The demo schemas and spoke rules, restated in jq.
E2E_JQ_DEFS='
def valid:
  (.detail.assetId | type == "string" and test("^a[0-9]{6}$"))
  and (.source == "com.example.player"
       or ((.detail.sizeBytes | type == "number" and . >= 0 and floor == .)
           and (.detail.kind | IN("video", "audio", "playback"))
           and (.detail.codec | IN("h264", "h265", "av1", "vp9"))));
def lossy: .detail.assetNumber > 9007199254740992;
def delivered: valid and (lossy | not);
'

e2e_want() {
	_w() {
		jq -r "$E2E_JQ_DEFS select($1) | .id" source.ndjson | sort >"want.$2"
	}
	_w 'delivered and (.source | startswith("com.example."))' archive
	_w 'delivered and .source == "com.example.media" and .detail.kind == "audio"' studio
	_w 'delivered and .source == "com.example.player"' player
	_w 'valid | not' schema
	_w 'valid and lossy' lossy
}

e2e_ids() {
	for _f in "$@"; do
		case $_f in
		*.zst) zstd -dcq "$_f" ;;
		*) cat "$_f" ;;
		esac
	done | jq -r .id | sort
}
