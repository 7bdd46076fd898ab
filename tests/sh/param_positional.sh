set -- one two three four five six seven eight nine ten eleven
echo $1 $2 $9
echo ${10} ${11}
echo $#
shift
echo $1 $#
shift 3
echo $1 $#
