#!/bin/sh
# kafka-mock: a broker goes down and comes back while kcat produces;
# the control channel reports each command and no message is lost.
. "$HS_TESTS/cli/lib.sh"

command -v kcat >/dev/null 2>&1 || { echo "no kcat" >&2; exit 77; }

kafka_start --brokers 3 --topic t:6 || exit 1
# Every broker leads some partition, so broker 1 going down matters.
kafka_ctl leader t 0 1 && kafka_ctl leader t 1 1 || exit 1

{
	awk 'BEGIN { for (i = 1; i <= 1000; i++) printf "k%d:a%d\n", i, i }'
	sleep 1.5
	awk 'BEGIN { for (i = 1; i <= 1000; i++) printf "k%d:b%d\n", i, i }'
	sleep 1
} | kcat -P -b "$BROKERS" -t t -K: 2>producer.err &
producer=$!

sleep 0.7
kafka_ctl down 1 || exit 1
# A bad command is refused and the channel still works after it.
if kafka_ctl down 99 2>ctl.err; then
	echo "down 99 was accepted" >&2
	exit 1
fi
grep -q 'usage: down BROKER' ctl.err || { cat ctl.err >&2; exit 1; }
sleep 1.5
kafka_ctl up 1 || exit 1
wait $producer || { cat producer.err >&2; echo "producer failed" >&2; exit 1; }
# The client really lost broker 1 (its listener was closed).
grep -q '/1: .*\(Disconnected\|Connection refused\)' producer.err ||
	{ cat producer.err >&2; echo "broker 1 was never down" >&2; exit 1; }

kcat -C -b "$BROKERS" -t t -e -q -f '%k:%s\n' | sort >got || exit 1
{
	awk 'BEGIN { for (i = 1; i <= 1000; i++) printf "k%d:a%d\n", i, i }'
	awk 'BEGIN { for (i = 1; i <= 1000; i++) printf "k%d:b%d\n", i, i }'
} | sort >want
n=$(wc -l <got)
cmp want got || { echo "got $n messages, want 2000 distinct" >&2; exit 1; }
kafka_stop
