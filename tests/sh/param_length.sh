s=hello
echo ${#s}
e=
echo ${#e}
set -- a b c
echo ${#}
u="héllo"
echo ${#u}
