x=outer
x=inner true
echo $x
f() { echo "f sees $x"; }
x=temp f
echo "after $x"
