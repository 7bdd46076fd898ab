seq 20 > f
head -n 3 f
head -3 f
head -c 5 f; echo
tail -n 2 f
tail -3 f
tail -n +18 f
tail -c 6 f
seq 3 | tee out | wc -l
cat out
seq 2 | tee -a out > /dev/null
wc -l out
wc f
wc -w f out
head -n x f; echo "status $?"
tail nosuch; echo "status $?"
