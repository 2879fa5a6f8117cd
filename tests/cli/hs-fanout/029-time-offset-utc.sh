# {time:FMT} in a file target path expands the event's instant in UTC:
# one instant written with a -05:00 offset and with Z lands in one file.
cat >rules.json <<'R'
[{"name":"r","pattern":{"source":["a"]},
  "targets":[{"uri":"file:arch/{time:%Y-%m-%dT%H}.ndjson"}]}]
R
printf '%s\n' \
	'{"source":"a","time":"2026-11-26T23:30:00-05:00"}' \
	'{"source":"a","time":"2026-11-27T04:30:00Z"}' \
	'{"source":"a","time":"2026-11-27T09:30:00.250+05:00"}' >in
hs-fanout --rules rules.json in && _st=0 || _st=$?
expect_eq "exit status" "$_st" 0
expect_eq "files" "$(ls arch)" "2026-11-27T04.ndjson"
expect_eq "events" "$(count_lines arch/2026-11-27T04.ndjson)" 3
