s="Hello, World"
echo ${#s}
echo ${s%,*}
echo ${s#*, }
t=${s%%o*}
echo "$t"
echo ${s#H*l}
echo ${s##H*l}
