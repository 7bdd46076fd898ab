printf 'pear\napple\nfig\napple\nPear\n10\n9\n-3\n' > f
sort f
sort -r f
sort -u f
sort -f f
sort -n f | head -n 3
sort -rn f | head -n 2
printf 'b:2\na:10\nc:1\na:2\n' > t
sort -t: -k2n t
sort -t : -k1,1 -k2,2nr t
sort -k 9 t; echo "status $?"
sort nosuch; echo "status $?"
sort -q f; echo "status $?"
