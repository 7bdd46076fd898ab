unset a
b=bee
echo ${a:-${b:-none}}
echo ${a:-"$b with space"}
echo "${a:-$(echo from-subst)}"
