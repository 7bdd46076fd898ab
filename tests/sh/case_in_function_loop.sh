classify() {
	for arg; do
		case $arg in
		-*) echo "option $arg";;
		*=*) echo "assign ${arg%%=*} to ${arg#*=}";;
		*) echo "word $arg";;
		esac
	done
}
classify -v key=val plain --long
