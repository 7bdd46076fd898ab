(echo $((1 / 0))) 2>&1
echo "s=$?"
(echo $((1 + ))) 2>&1
echo "s=$?"
x=abc
(echo $((x + 1))) 2>&1
echo "s=$?"
