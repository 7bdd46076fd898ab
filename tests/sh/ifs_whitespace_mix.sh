IFS=' :'
x=' a : b :c '
set -- $x
echo $#
for i in "$@"; do echo "[$i]"; done
