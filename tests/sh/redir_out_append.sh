echo one > f
echo two >> f
cat f
cat < f
echo three 1> g
cat 0< g
