s=abcdefghij
s=$s$s$s$s$s$s$s$s$s$s
s=$s$s$s$s$s$s$s$s$s$s
echo ${#s}
echo ${s%%j*}
