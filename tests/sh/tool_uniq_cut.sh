printf 'a\na\nb\nc\nc\nc\na\n' > f
uniq f
uniq -c f
uniq -d f
uniq -u f
printf 'A\na\nb\n' | uniq -i -c
printf 'b:2:x\na:10:y\nnone\n' > t
cut -d: -f2 t
cut -d : -f 1,3 t
cut -s -d: -f2- t
cut -c 1-3 t
cut -b2 t
cut t; echo "status $?"
cut -f0 t; echo "status $?"
cut -c1 -d: t; echo "status $?"
