[ 1 -eq ] 2>&1
echo "s=$?"
[ abc -eq 1 ] 2>&1
echo "s=$?"
[ 1 = 1 2>&1
echo "s=$?"
test 2>&1
echo "s=$?"
