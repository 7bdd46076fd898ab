# Each signal runs the action once, between the loop's commands.
i=0
trap 'i=$((i+1))' USR1
for x in 1 2 3; do
	kill -USR1 $$
done
echo "caught $i"
f() { kill -USR1 $$; echo "in f: $i"; }
f
echo "after f: $i"
