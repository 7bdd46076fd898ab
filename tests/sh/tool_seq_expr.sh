seq 3
seq 2 5
seq 1 2 9
seq 5 -2 -3
seq -w 8 10
seq -s , 4
seq 0.5 0.25 1.5
seq; echo "status $?"
seq 1 0 3; echo "status $?"
expr 1 + 2
expr 7 / 2; expr 7 % 3
expr 3 \* 4
expr 1 / 0; echo "status $?"
expr a + 1; echo "status $?"
expr 2 \< 10
expr abcdef : 'a\(.*\)f'
expr abcdef : abc
expr length hello
expr substr hello 2 3
expr index hello lo
expr \( 1 + 2 \) \* 3
expr 0; echo "status $?"
expr 1 +; echo "status $?"
