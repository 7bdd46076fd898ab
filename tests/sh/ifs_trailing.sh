IFS=:
x=':a::b:'
set -- $x
echo $#
for i in "$@"; do echo "[$i]"; done
