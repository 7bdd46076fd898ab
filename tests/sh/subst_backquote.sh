echo `echo back`
echo `echo \`echo nested\``
x=`echo "a  b"`
echo "$x"
