for v in apple banana cherry 42 ""; do
	case $v in
	a*) echo "$v starts with a";;
	b*|c*) echo "$v starts with b or c";;
	[0-9]*) echo "$v is a number";;
	"") echo empty;;
	esac
done
