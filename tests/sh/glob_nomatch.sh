echo *.nothing
echo "*"
echo 'a*'
x='a*'
echo $x
echo "$x"
