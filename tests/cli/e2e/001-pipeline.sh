# e2e: the demo pipeline on the mock hub.  Every stage's counts add up,
# and each spoke and dead-letter reason holds exactly the events its rule
# selects, as jq computes them from the source events alone.  Claim
# checks are offloaded on the way and restored by the exec spoke.
need kcat jq zstd
. "$HS_TESTS/cli/e2e/pipe.sh"
kafka_start --brokers 3 --topic media:12 --topic spoke.player:4 || fail "no mock cluster"
e2e_gen 2000 --big 3 --big-size 2000000
e2e_publish source.ndjson || fail "publish"
e2e_pipe_script p demo -e
sh p/run || fail "pipeline"
for s in consume validate transform claimcheck fanout; do
	case $s:$(cat p/$s.rc) in
	*:0 | validate:1 | transform:1) ;;
	*) fail "hs-$s exited $(cat p/$s.rc): $(tail -3 p/$s.err)" ;;
	esac
done
kcat -C -b "$BROKERS" -t spoke.player -e -q -f '%k\t%s\n' >player.kv || fail kcat
cut -f2 player.kv >player.ndjson

e2e_want
e2e_ids p/archive/*.zst >got.archive
e2e_ids p/studio.ndjson >got.studio
e2e_ids player.ndjson >got.player
jq -r 'select(.reason == "schema") | .event.id' p/dlq.ndjson | sort >got.schema
jq -r 'select(.reason == "lossy_number") | .event.id' p/dlq.ndjson | sort >got.lossy
for s in archive studio player schema lossy; do
	[ -s want.$s ] || fail "nothing expected in $s: the test proves nothing"
	expect_file_eq got.$s want.$s
done
expect_eq "dead letters" "$(count_lines p/dlq.ndjson)" \
	$(($(count_lines want.schema) + $(count_lines want.lossy)))

# stats: in = out + dlq + filtered at every stage, and stage to stage
st() { sed -n 's/.* stats in=/ in=/p' "p/$1.err" | tail -1 | tr ' ' '\n' | sed -n "s/^$2=//p"; }
expect_eq "consumed" "$(st consume out)" 2000
for s in validate transform claimcheck fanout; do
	expect_eq "$s adds up" "$(st $s in)" $(($(st $s out) + $(st $s dlq) + $(st $s filtered)))
done
expect_eq "validate in" "$(st validate in)" "$(st consume out)"
expect_eq "transform in" "$(st transform in)" "$(st validate out)"
expect_eq "claimcheck in" "$(st claimcheck in)" "$(st transform out)"
expect_eq "fanout in" "$(st fanout in)" "$(st claimcheck out)"

# the spokes' content: the normalized source event (claims restored)
norm() { jq -c -S 'del(.hs)' "$@" | sort; }
jq -c -R --rawfile w want.studio 'fromjson? | select(.id as $i | ($w | split("\n") | index($i)))' \
	source.ndjson | jq -c -f "$E2E_DEMO/normalize.jq" | norm >want.studio.json
norm p/studio.ndjson >got.studio.json
expect_file_eq got.studio.json want.studio.json
expect_eq "payloads restored" "$(grep -c '"payload"' p/studio.ndjson)" \
	"$(jq -c --rawfile w want.studio 'select(.detail.payload and (.id as $i | $w | split("\n") | index($i)))' source.ndjson | wc -l | tr -d ' ')"
[ "$(st claimcheck offloaded)" -ge 1 ] || fail "nothing offloaded"
expect_eq "claims in the archive" "$(zstd -dcq p/archive/*.zst | grep -c '"hs-claim"')" "$(st claimcheck offloaded)"
expect_no_grep '"payload"' got.archive
# player: keyed by assetId, the normalized event
awk -F '\t' '{print $1}' player.kv | sort >got.keys
jq -r '.detail.assetId' player.ndjson | sort >want.keys
expect_file_eq got.keys want.keys
