# A line over --max-event-size is dead-lettered whole (base64, streamed),
# the lines around it pass, and memory is not needed for it.
need python3 base64
python3 -c '
import sys
sys.stdout.write("{\"a\":1}\n")
sys.stdout.write("{\"big\":\"" + "x" * 300000 + "\"}\n")
sys.stdout.write("{\"b\":2}\n")' >in.ndjson
expect_exit 1 hs-validate --max-event-size 100KiB --dlq dlq.ndjson --stats <in.ndjson >out 2>err
expect_eq "passed" "$(count_lines out)" 2
expect_grep 'in=3 out=2 dlq=1' err
expect_grep '"reason":"too_large"' dlq.ndjson
# The dead-lettered bytes are the whole original line.
sed -n 2p in.ndjson | tr -d '\n' >want
python3 -c '
import json,base64,sys
r=json.loads(open("dlq.ndjson").readline())
sys.stdout.buffer.write(base64.b64decode(r["event_base64"]))' >got
expect_file_eq got want
