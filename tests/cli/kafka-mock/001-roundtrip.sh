#!/bin/sh
# kafka-mock: 1000 keyed messages through a 4-partition topic all come
# back, spread over every partition, through kcat as the client.
. "$HS_TESTS/cli/lib.sh"

command -v kcat >/dev/null 2>&1 || { echo "no kcat" >&2; exit 77; }

kafka_start --topic t:4 || exit 1
case $BROKERS in
127.0.0.1:*,127.0.0.1:*,127.0.0.1:*) ;;
*) echo "BROKERS is not three loopback listeners: '$BROKERS'" >&2; exit 1 ;;
esac

awk 'BEGIN { for (i = 1; i <= 1000; i++) printf "k%d:v%d\n", i, i }' >in
kcat -P -b "$BROKERS" -t t -K: <in || exit 1
kcat -C -b "$BROKERS" -t t -e -q -f '%p %k:%s\n' >got || exit 1

n=$(wc -l <got)
[ "$n" -eq 1000 ] || { echo "consumed $n messages, want 1000" >&2; exit 1; }
cut -d' ' -f2 got | sort >got.kv
sort in >want.kv
cmp want.kv got.kv || { echo "consumed messages differ" >&2; exit 1; }
parts=$(cut -d' ' -f1 got | sort -u | tr '\n' ' ')
[ "$parts" = "0 1 2 3 " ] || { echo "partitions used: '$parts'" >&2; exit 1; }
kafka_stop
