#!/bin/sh
# Archives written by hs-fanout's file: targets (zstd frames, one per
# flush, and plain), rotated by hand across three files, replay in time
# order; replayed events marked with --name do not get back into an
# archive whose rule says "replay-name":[{"exists":false}].
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-replay/gen.sh"
command -v hs-fanout >/dev/null 2>&1 || skip "no hs-fanout"
need zstd

mkdir arc
gen 0 3000 10 >all
i=0
for f in orders-b.ndjson.zst orders-a.ndjson.zst orders-c.ndjson; do
	cat >rules.json <<X
[{"name":"archive","pattern":{"replay-name":[{"exists":false}]},
  "targets":["file:arc/$f"]}]
X
	gen $((i * 1000)) 1000 10 >part
	hs-fanout --rules rules.json part 2>err || fail "hs-fanout: $(cat err)"
	i=$((i + 1))
done
zstd -t -q arc/orders-a.ndjson.zst || fail "hs-fanout wrote a bad zstd file"
hs-replay arc >out 2>err || fail "replay failed: $(cat err)"
expect_file_eq out all
hs-replay --from "$(ms_of 990 10)" --to "$(ms_of 2010 10)" arc >out
sed -n '991,2010p' all >want
expect_file_eq out want

# the replay goes through the archive rule and is kept out of it
before=$(cat arc/orders-c.ndjson | wc -c)
hs-replay --name fix arc | hs-fanout --rules rules.json 2>err || fail "fanout of the replay: $(cat err)"
expect_eq "archive untouched" "$(cat arc/orders-c.ndjson | wc -c)" "$before"
exit 0
