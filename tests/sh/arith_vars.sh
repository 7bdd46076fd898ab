x=5
y=7
echo $((x + y)) $(($x * $y)) $((x*y-1))
echo $((z + 1))
z=
echo $((z + 2))
