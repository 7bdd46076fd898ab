touch a1 a2 b1 .hidden
echo *
echo a*
echo ?1
echo [ab]2
echo .*
echo [!a]*
