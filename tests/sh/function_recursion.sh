fact() {
	if [ $1 -le 1 ]; then echo 1; return; fi
	local sub=$(fact $(($1 - 1)))
	echo $(($1 * sub))
}
fact 5
fact 8
