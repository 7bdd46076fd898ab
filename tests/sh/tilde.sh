HOME=/home/user
echo ~
echo ~/sub
echo "~"
x=~
echo $x
echo a~b
