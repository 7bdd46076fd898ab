list="c a b"
sorted=""
for x in $list; do sorted="$sorted $x"; done
echo $sorted
set -- $list
echo "first=$1 last=$3 count=$#"
