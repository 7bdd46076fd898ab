# a comment
echo a # trailing
echo b#not-comment
echo 'quoted # not'
x=1 # comment after assignment
echo $x
