parse() {
	OPTIND=1
	while getopts ab:c o; do
		case $o in
		a) echo "opt a";;
		b) echo "opt b=$OPTARG";;
		c) echo "opt c";;
		?) echo "bad";;
		esac
	done
	shift $((OPTIND - 1))
	echo "rest: $*"
}
parse -a -b val -c file1 file2
parse -ac -bX rest
