sh -c 'echo in-c $0 $1' name arg
sh -c 'exit 6'
echo "s=$?"
