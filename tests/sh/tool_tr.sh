echo 'Hello World' | tr a-z A-Z
echo 'Hello World' | tr -d lo
echo 'a   b    c' | tr -s ' '
echo 'abc xyz' | tr '[:lower:]' '[:upper:]'
echo 'a1b22c333' | tr -d '[:digit:]'
echo 'ab1 cd!' | tr -cd 'a-z\n'
echo 'aabbcc' | tr abc x
printf 'a\nb\nc\n' | tr '\n' ' '; echo
tr; echo "status $?"
tr a; echo "status $?"
