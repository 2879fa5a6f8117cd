# A pipeline stopped by SIGTERM to every process loses nothing in its
# pipes: the filters read on until the source closes (as hs-consume does
# on SIGTERM), so events the source wrote after the signal, and those in
# the pipes, still reach the end.
mkfifo src
i=0
while [ $i -lt 1000 ]; do echo "{\"n\":$i}"; i=$((i + 1)); done >first
while [ $i -lt 2000 ]; do echo "{\"n\":$i}"; i=$((i + 1)); done >second
setsid sh -c 'hs-validate <src | hs-validate | hs-validate >out' &
pg=$!
exec 3>src
cat first >&3
wait_for 5 sh -c '[ $(wc -l <out) -ge 1000 ]' || fail "first events did not come through"
kill -TERM -$pg
sleep 0.3
cat second >&3 || fail "the first stage stopped reading"
exec 3>&-
wait $pg || :
expect_eq "lines through three stages" "$(count_lines out)" 2000
