x=before
echo changed | read x
echo "$x"
echo v | { read y; echo "inner $y"; }
echo "outer [$y]"
