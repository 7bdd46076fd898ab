x=$(false)
echo $?
x=$(exit 7)
echo $?
x=$(true)
echo $?
