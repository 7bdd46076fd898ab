x='a*b*c'
echo ${x#'a*'}
echo ${x#a*}
echo "${x%"*c"}"
y=abcabc
echo ${y%b*} ${y%%b*} ${y#*b} ${y##*b}
