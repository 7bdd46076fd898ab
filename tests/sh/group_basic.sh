{ echo a; echo b; } > out
cat out
{ echo in-group; x=set-in-group; }
echo $x
