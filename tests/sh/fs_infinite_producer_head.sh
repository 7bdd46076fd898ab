# An endless in-shell producer into head: the producer stops when head is done.
while :; do echo y; done | head -1
echo "status $?"
yes_func() { while :; do echo "yes $1"; done; }
yes_func me | head -n 2
{ while :; do echo z; done; echo never >&2; } | head -n 1
for i in 1 2 3; do
	while :; do echo "round $i"; done | head -n 1
done
