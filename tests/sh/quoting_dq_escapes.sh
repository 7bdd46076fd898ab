echo "\$ \` \\ \" \a \n"
x=val
echo "$x\$x${x}"
echo "it's"
