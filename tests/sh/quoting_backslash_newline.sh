echo one \
two \
three
x=con\
cat
echo $x
