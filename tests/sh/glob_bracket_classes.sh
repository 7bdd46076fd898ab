touch f1 fa fB f_
echo f[[:digit:]]
echo f[[:alpha:]]
echo f[[:upper:]]
echo f[a-z]
echo f[!a-z0-9]
