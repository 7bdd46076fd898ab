touch foo.c
for f in *.c; do
	case $f in *.c) echo "c file $f";; esac
done
