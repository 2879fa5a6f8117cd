#!/bin/sh
# bench.d/transform.sh: hs-transform --threads 1 and 2 against jq -c on the same
# ~1 KB EventBridge events, with a realistic 18-field reshape program.
# Prints markdown rows: | workload | hs figure | peer | peer figure | ratio |
# Goals (issue 5): one thread at least 1.5x jq's events/s, two at least 2.5x.
set -eu
build=${HS_BUILD:-.}
bin=$build/bin
work=$(mktemp -d "${TMPDIR:-/tmp}/hs-bench-transform.XXXXXX")
trap 'rm -rf "$work"' EXIT
command -v jq >/dev/null || { echo "transform: jq not installed, skipped" >&2; exit 0; }

# The reshape program reads fields of its own corpus (orders, not the
# shared media corpus), so it always makes its own.
corpus=
if [ -z "$corpus" ] || [ ! -s "$corpus" ]; then
	# Our own corpus: HS_TRANSFORM_EVENTS (default 100000)
	# EventBridge-shaped events of about 1 KB.  With the native
	# evaluator 20000 events took ~0.1 s, too short to tell two threads from
	# the cost of starting its threads and compiling per thread.
	corpus=$work/events.ndjson
	awk -v count="${HS_TRANSFORM_EVENTS:-100000}" 'BEGIN {
		srand(42);
		split("OrderPlaced PaymentCaptured Object-Created StateChange", types, " ");
		for (i = 0; i < count; i++) {
			t = types[1 + i % 4];
			printf "{\"version\":\"0\",\"id\":\"%08x-%04x-4cd3-a780-%012x\",", int(rand()*2^31), int(rand()*65536), int(rand()*2^40);
			printf "\"detail-type\":\"%s\",\"source\":\"com.shop.orders\",\"account\":\"1234567890%02d\",", t, i % 100;
			printf "\"time\":\"2024-05-%02dT%02d:%02d:%02dZ\",\"region\":\"eu-west-1\",", 1 + i % 28, i % 24, i % 60, (i * 7) % 60;
			printf "\"resources\":[\"arn:aws:ec2:eu-west-1:123456789012:instance/i-%016x\"],", int(rand()*2^48);
			printf "\"detail\":{\"orderId\":%d,\"customer\":{\"id\":\"c-%d\",\"name\":\"Zo\\u00eb O'\''Brien \\\"VIP\\\"\",", 100000 + i, int(rand()*100000);
			printf "\"email\":\"Customer%d@Example.com\",\"tier\":\"gold\",\"address\":{\"street\":\"%d Rue de l'\''Eglise\",", int(rand()*100000), int(rand()*200);
			printf "\"city\":\"M\303\274nchen\",\"zip\":\"%05d\",\"country\":\"DE\"}},\"items\":[", int(rand()*99999);
			printf "{\"sku\":\"SKU-%d\",\"qty\":%d,\"price\":%d.%02d,\"tags\":[\"new\",\"sale\"]},", int(rand()*10000), 1 + int(rand()*5), int(rand()*1000), int(rand()*100);
			printf "{\"sku\":\"SKU-%d\",\"qty\":%d,\"price\":%d.%02d,\"tags\":[]},", int(rand()*10000), 1 + int(rand()*5), int(rand()*1000), int(rand()*100);
			printf "{\"sku\":\"SKU-%d\",\"qty\":1,\"price\":1e2,\"gift\":true,\"note\":null}],", int(rand()*10000);
			printf "\"total\":%d.%02d,\"currency\":\"EUR\",\"paid\":%s,\"coupon\":null,", int(rand()*5000), int(rand()*100), (i % 3 ? "true" : "false");
			printf "\"shipping\":{\"method\":\"express\",\"eta_days\":%d,\"tracking\":\"TRK%010d\"},", 1 + i % 7, int(rand()*2^31);
			printf "\"metadata\":{\"trace\":\"%016x\",\"retries\":0,\"flags\":[1,2,3],\"ratio\":-0.125e-3}}}\n", int(rand()*2^48);
		}
	}' >"$corpus"
fi
n=$(wc -l <"$corpus" | tr -d ' ')

cat >"$work/reshape.jq" <<'JQ'
{
  id: .id,
  type: ."detail-type",
  source: .source,
  account: .account,
  region: .region,
  time: .time,
  resource: .resources[0],
  order: .detail.orderId,
  customer: .detail.customer.id,
  email: (.detail.customer.email | ascii_downcase),
  tier: .detail.customer.tier,
  city: .detail.customer.address.city,
  country: .detail.customer.address.country,
  items: (.detail.items | length),
  qty: ([.detail.items[].qty] | add),
  total: .detail.total,
  paid: .detail.paid,
  method: .detail.shipping.method
}
JQ

now() { date +%s.%N; }
# events per second of "$@" over the corpus (best of 3 runs)
eps() {
	best=0
	for _r in 1 2 3; do
		t0=$(now)
		"$@" <"$corpus" >"$work/out" || return 1
		t1=$(now)
		best=$(awk -v n="$n" -v a="$t0" -v b="$t1" -v best="$best" \
			'BEGIN { e = n / (b - a); print (e > best ? e : best) }')
	done
	printf '%.0f\n' "$best"
}

jq_eps=$(eps jq -c -f "$work/reshape.jq")
cp "$work/out" "$work/jq.out"
hs1=$(eps "$bin/hs-transform" --threads 1 -f "$work/reshape.jq")
cmp -s "$work/out" "$work/jq.out" || echo "transform: --threads 1 output differs from jq -c" >&2
hs2=$(eps "$bin/hs-transform" --threads 2 -f "$work/reshape.jq")
cmp -s "$work/out" "$work/jq.out" || echo "transform: --threads 2 output differs from jq -c" >&2

# events per CPU-second (user+sys, best of 3): steadier than wall time
# on a machine others are using; one thread only (threads add CPU, not speed).
cpu_eps() {
	[ -x /usr/bin/time ] || { echo 0; return 0; }
	best=0
	for _r in 1 2 3; do
		/usr/bin/time -f '%U %S' -o "$work/cpu" "$@" <"$corpus" >"$work/out" || return 1
		best=$(awk -v n="$n" -v best="$best" '{ c = $1 + $2; if (c < 0.001) c = 0.001; e = n / c }
			END { print (e > best ? e : best) }' "$work/cpu")
	done
	printf '%.0f\n' "$best"
}
jq_cpu=$(cpu_eps jq -c -f "$work/reshape.jq")
hs1_cpu=$(cpu_eps "$bin/hs-transform" --threads 1 -f "$work/reshape.jq")

row() {
	awk -v w="$1" -v h="$2" -v p="$3" -v g="$4" 'BEGIN {
		printf "| %s | %d ev/s | jq -c | %d ev/s | %.2fx (goal %s) |\n", w, h, p, h / p, g }'
}
row "transform 18-field reshape --threads 1 ($n events)" "$hs1" "$jq_eps" 1.5x
row "transform 18-field reshape --threads 2 ($n events)" "$hs2" "$jq_eps" 2.5x
if [ "$jq_cpu" -gt 0 ]; then
	awk -v w="transform 18-field reshape --threads 1, per CPU-second ($n events)" -v h="$hs1_cpu" -v p="$jq_cpu" 'BEGIN {
		printf "| %s | %d ev/cpu-s | jq -c | %d ev/cpu-s | %.2fx (goal 1.5x) |\n", w, h, p, h / p }'
fi
