x=$(exit 3)
echo $?
y=1 z=2
echo $y$z
a=1 b=$a
echo $b
