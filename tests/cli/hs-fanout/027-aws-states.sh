# AWS rule states and schedule rules, as put-rule defines them: a rule
# with State ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS runs as
# ENABLED does; a schedule rule (ScheduleExpression, no EventPattern)
# has no event to match, so it is skipped with one message at start and
# the other rules run; a State AWS does not define is refused (exit 2).
cat >rules.json <<'R'
{"Rules":[
 {"Name":"nightly","State":"ENABLED","ScheduleExpression":"cron(0 2 * * ? *)",
  "Targets":[{"Id":"n","Arn":"file:nightly.ndjson"}]},
 {"Name":"trail","State":"ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
  "EventPattern":"{\"source\":[\"aws.ec2\"]}",
  "Targets":[{"Id":"t","Arn":"file:trail.ndjson"}]},
 {"Name":"hourly","ScheduleExpression":"rate(1 hour)",
  "Targets":[{"Id":"h","Arn":"file:hourly.ndjson"}]},
 {"Name":"plain","EventPattern":"{\"source\":[\"aws.ec2\"]}",
  "Targets":[{"Id":"p","Arn":"file:plain.ndjson"}]}]}
R
printf '%s\n' '{"source":"aws.ec2","detail":{}}' >in
hs-fanout --rules rules.json in 2>err || fail "exit $?: $(cat err)"
expect_file_eq trail.ndjson in
expect_file_eq plain.ndjson in
[ ! -e nightly.ndjson ] && [ ! -e hourly.ndjson ] || fail "a schedule rule ran"
expect_eq "messages" "$(count_lines err)" 1
expect_grep "^hs-fanout: rules.json: 2 schedule rules skipped (ScheduleExpression, no EventPattern: no event matches them here): nightly, hourly$" err

sed 's/"ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"/"PAUSED"/' rules.json >bad.json
expect_exit 2 hs-fanout --rules bad.json in 2>err
expect_grep "rule 'trail': State 'PAUSED' is none of ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" err
