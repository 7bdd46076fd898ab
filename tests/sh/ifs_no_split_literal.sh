IFS=:
echo a:b c:d
x=a:b
echo $x "$x"
