set -- x y z
echo $# $1 $3
set --
echo $#
set -- "$@" appended
echo $# $1
