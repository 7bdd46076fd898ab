x="a b  c"
set -- $x
echo $#
IFS=:
y="1:2::3"
set -- $y
echo $#
for i in $y; do echo "[$i]"; done
