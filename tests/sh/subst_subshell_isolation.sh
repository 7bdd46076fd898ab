v=outer
x=$(v=inner; echo $v)
echo "$x $v"
cd /
y=$(cd /tmp 2>/dev/null; pwd)
pwd
