greet() {
	echo "hello $1"
	echo "args $#"
}
greet world
greet "big world" extra
