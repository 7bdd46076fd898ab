set -- a b
shift 2
echo $#
(shift) 2>&1
echo "s=$?"
