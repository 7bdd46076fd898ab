x=$(echo "a   b")
echo "$x"
set -- $(echo "1 2 3")
echo $#
