# hs-validate --schema against ajv 8 (compile once, JSON.parse and
# validate each line in one node process) on the benchmark corpus, with
# a schema of about 20 constraints that the corpus's invalid share
# breaks.  Also checks that valid events leave byte-identical.
# Rows: events per second.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=${HS_BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/hs-bench-validate.XXXXXX")}
c=${HS_BENCH_CORPUS:-}
if [ -z "$c" ] || [ ! -s "$c" ]; then
	c=$work/validate-corpus.ndjson
	"$HS_TBIN/gen-events" -n 200000 --invalid 5 >"$c"
fi
n=$(wc -l <"$c")

schema=$work/validate-schema.json
cat >"$schema" <<'JSON'
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["version", "id", "source", "detail-type", "time", "detail"],
  "properties": {
    "version": {"const": "0"},
    "id": {"type": "string", "minLength": 36, "maxLength": 36},
    "source": {"type": "string", "pattern": "^com\\.example\\."},
    "detail-type": {"type": "string", "maxLength": 64},
    "account": {"type": "string", "pattern": "^[0-9]{12}$"},
    "time": {"type": "string", "format": "date-time"},
    "region": {"enum": ["eu-west-1", "eu-central-1", "us-east-1"]},
    "resources": {"type": "array", "items": {"type": "string"}, "maxItems": 8},
    "detail": {
      "type": "object",
      "required": ["assetId", "sizeBytes", "kind"],
      "properties": {
        "assetId": {"type": "string", "pattern": "^a[0-9]{6}$"},
        "sizeBytes": {"type": "integer", "minimum": 0},
        "assetNumber": {"type": "integer", "minimum": 0},
        "kind": {"enum": ["video", "audio", "playback"]},
        "codec": {"enum": ["h264", "h265", "av1", "vp9"]},
        "durationSeconds": {"type": "number", "minimum": 0},
        "bitrateKbps": {"type": "integer", "exclusiveMinimum": 0},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 16,
                 "uniqueItems": true},
        "owner": {"type": "object", "required": ["team"],
                  "properties": {"team": {"type": "string"}}},
        "renditions": {
          "type": "array",
          "items": {
            "type": "object",
            "required": ["h", "kbps"],
            "properties": {"h": {"type": "integer"}, "kbps": {"type": "integer"}}
          }
        }
      }
    }
  }
}
JSON

# ajv 8 from this folder's lockfile
if [ ! -d "$here/node_modules/ajv" ]; then
	npm ci --prefix "$here" --no-audit --no-fund >&2
fi
cat >"$work/validate-ajv.js" <<'JS'
const fs = require("fs");
const Ajv2020 = require(process.argv[2] + "/node_modules/ajv/dist/2020").default;
const ajv = new Ajv2020({ strict: false, validateFormats: false });
const validate = ajv.compile(JSON.parse(fs.readFileSync(process.argv[3], "utf8")));
const lines = fs.readFileSync(process.argv[4], "utf8").split("\n");
let ok = 0, bad = 0;
for (const l of lines) {
	if (!l) continue;
	if (validate(JSON.parse(l))) ok++; else bad++;
}
process.stdout.write(ok + " " + bad + "\n");
JS

# Best of three wall-clock runs, in seconds with nanosecond resolution.
secs() {
	best=
	for _ in 1 2 3; do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1 || :
		e=$(date +%s%N)
		t=$(((e - s) / 1000))
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	awk -v u="$best" 'BEGIN { printf "%.6f", u / 1e6 }'
}

# the two must agree on what is valid, and valid lines pass unchanged
ajv_counts=$(node "$work/validate-ajv.js" "$here" "$schema" "$c")
"$HS_BIN/hs-validate" -q --schema "$schema" "$c" >"$work/validate-out.ndjson" || :
hs_ok=$(wc -l <"$work/validate-out.ndjson" | tr -d ' ')
[ "$hs_ok" = "${ajv_counts% *}" ] || {
	echo "validate.sh: hs passed $hs_ok events, ajv $ajv_counts" >&2
	exit 1
}
awk 'NR == FNR { seen[$0] = 1; next } !($0 in seen) { exit 1 }' \
	"$c" "$work/validate-out.ndjson" || {
	echo "validate.sh: an output line is not an input line" >&2
	exit 1
}

t_hs=$(secs taskset -c 0 "$HS_BIN/hs-validate" -q --schema "$schema" "$c")
t_ajv=$(secs taskset -c 0 node "$work/validate-ajv.js" "$here" "$schema" "$c")
rate() { awk -v n="$n" -v t="$1" 'BEGIN { printf "%.0f ev/s", n / t }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", b / a }'; }
echo "| JSON Schema validation (20 constraints, ${hs_ok}/$n valid), one core | $(rate "$t_hs") | ajv 8 | $(rate "$t_ajv") | $(ratio "$t_hs" "$t_ajv") |"
[ -n "${HS_BENCH_DIR:-}" ] || rm -rf "$work"
