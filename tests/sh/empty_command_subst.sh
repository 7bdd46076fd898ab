$(true)
echo "s=$?"
x=`false`
echo "s=$?"
