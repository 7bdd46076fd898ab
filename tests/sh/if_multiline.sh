if [ 1 -eq 1 ]
then
	echo one
elif [ 2 -eq 2 ]
then
	echo two
else
	echo three
fi
