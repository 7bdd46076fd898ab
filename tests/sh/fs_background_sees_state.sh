# Background compound commands and functions see every variable and
# function, exported or not.
x=1
f() { echo "f sees $x"; }
f & wait
{ echo "group sees $x"; } & wait
[ $x = 1 ] && echo "and-or sees $x" & wait
( echo "subshell sees $x" ) & wait
set -- p1 p2
{ echo "params $# $1 $2"; } & wait
set -u
{ echo "options $-"; } & wait
set +u
{ exit 3; } &
wait $!
echo "bg status $?"
g() { y=changed; }
y=orig
g & wait
echo "y=$y"
