unset a
echo "${a=first}"
echo "$a"
b=
echo "${b:=second}"
echo "$b"
echo "${b:=third}"
