p=/usr/local/lib/libfoo.so.1
echo ${p#*/}
echo ${p##*/}
echo ${p%.*}
echo ${p%%.*}
echo ${p#/usr}
echo ${p%nomatch}
f=archive.tar.gz
echo ${f%.gz} ${f%%.*} ${f#*.}
