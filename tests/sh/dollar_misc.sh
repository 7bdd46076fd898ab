echo $ "$" '$'
echo $$ | grep -q '^[0-9][0-9]*$' && echo pid-ok
echo "${#}" ${#} $#
x=5; echo $x$x ${x}x
