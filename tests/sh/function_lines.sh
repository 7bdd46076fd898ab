echo no-lineno
f() {
	echo "in f"
}
f
echo no-lineno
