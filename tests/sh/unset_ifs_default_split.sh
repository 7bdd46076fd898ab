x="a	b
c"
unset IFS
set -- $x
echo $#
