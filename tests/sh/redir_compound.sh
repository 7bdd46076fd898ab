for i in 1 2 3; do echo $i; done > loop.out
cat loop.out
while read n; do echo "got $n"; done < loop.out
if true; then echo in-if; fi > if.out
cat if.out
