# A pipeline stopped by SIGTERM to every process loses nothing in its
# pipes: the filters read on until the source closes (as hs-consume does
# on SIGTERM), so events the source wrote after the signal, and those in
# the pipes, still reach the end.
mkfifo src p1 p2
i=0
while [ $i -lt 1000 ]; do echo "{\"n\":$i}"; i=$((i + 1)); done >first
while [ $i -lt 2000 ]; do echo "{\"n\":$i}"; i=$((i + 1)); done >second
hs-validate <src >p1 &
a=$!
hs-validate <p1 >p2 &
b=$!
hs-validate <p2 >out &
c=$!
hs_on_exit "kill $a $b $c"
exec 3>src
cat first >&3
wait_for 5 sh -c '[ $(wc -l <out) -ge 1000 ]' || fail "first events did not come through"
kill -TERM $a $b $c
sleep 0.3
cat second >&3 || fail "the first stage stopped reading"
exec 3>&-
for p in $a $b $c; do
	rc=0
	wait $p || rc=$?
	expect_eq "exit status of a stage" $rc 143
done
expect_eq "lines through three stages" "$(count_lines out)" 2000
