exec > out.txt
echo to-file
exec >&2
cat out.txt 1>&2
