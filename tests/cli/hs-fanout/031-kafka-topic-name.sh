# A kafka:// target names a legal Kafka topic: kafka://{topic} used to
# produce to a topic literally named "{topic}".  A name Kafka refuses, or
# an unknown option, is refused when the rules are read (exit 2), naming
# the rule and the target, before any broker is asked.
printf '%s\n' '{"id":"1","source":"s"}' >in
for uri in 'kafka://{topic}' 'kafka://orders.{source}' 'kafka://a b' 'kafka://..'; do
	printf '[{"name":"r","pattern":{"id":[{"exists":true}]},"targets":["%s"]}]' "$uri" >rules.json
	expect_exit 2 hs-fanout -b 127.0.0.1:1 --rules rules.json in 2>err
	topic=${uri#kafka://}
	expect_grep "^hs-fanout: rule 'r': target '$uri': '$topic' is not a Kafka topic name" err
done
printf '[{"name":"r","pattern":{"id":[{"exists":true}]},"targets":["kafka://t?partition=x"]}]' >rules.json
expect_exit 2 hs-fanout -b 127.0.0.1:1 --rules rules.json in 2>err
expect_grep "unknown kafka option 'partition=x'" err
