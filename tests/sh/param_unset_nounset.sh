set -u
x=1
echo $x
(echo $undefined_var) 2>&1
echo "sub status $?"
echo ${undefined_var:-ok}
