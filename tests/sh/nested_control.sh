for i in 1 2 3; do
	case $i in
	2) continue;;
	esac
	j=0
	while [ $j -lt $i ]; do
		if [ $j -eq 1 ]; then echo "i=$i j=1"; fi
		j=$((j+1))
	done
done
