exec 3> three
echo a >&3
echo b >&3
exec 3>&-
cat three
exec 4< three
read l <&4
echo "read: $l"
exec 4<&-
