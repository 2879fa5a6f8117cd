# hs-fanout: the Kafka option group as every Kafka tool takes it
# (common/kafkaconf.h), long and short forms (their --help: man/004), and
# one precedence, -F files, then -b, then -X in order, so the later wins.
# The same cases run in hs-consume/012 and hs-replay/021.
need kcat

kafka_start --topic t:1 || fail "no mock cluster"
echo '[{"name":"r","pattern":{"n":[{"exists":true}]},"targets":["kafka://t"]}]' >rules.json
echo '{"n":1}' >in
printf 'bootstrap.servers=127.0.0.1:1\n' >props
# -X bootstrap.servers wins over -b; a dead broker would dead-letter the
# event once message.timeout.ms runs out, which -X bounds too
hs-fanout --brokers 127.0.0.1:1 --property bootstrap.servers="$BROKERS" \
	-X message.timeout.ms=20000 --rules rules.json in 2>err ||
	fail "-X over -b: exit $?: $(cat err)"
# -b wins over a file's bootstrap.servers
hs-fanout --config props -b "$BROKERS" -X message.timeout.ms=20000 \
	--rules rules.json in 2>err || fail "-b over -F: exit $?: $(cat err)"
# -X applies after -F whatever the command-line order
hs-fanout -X bootstrap.servers="$BROKERS" -X message.timeout.ms=20000 \
	-F props --rules rules.json in 2>err || fail "-X over -F: exit $?: $(cat err)"
kcat -C -b "$BROKERS" -t t -e -q >got || fail "kcat"
expect_eq "messages" "$(count_lines got)" 3
