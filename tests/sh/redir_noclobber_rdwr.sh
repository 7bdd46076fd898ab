echo data > f
cat <> f
echo more 1<> g
cat g
