x=outer
(x=inner; echo "in: $x")
echo "out: $x"
(cd /; pwd)
pwd | grep -q / && echo cwd-kept
(exit 3)
echo "status $?"
