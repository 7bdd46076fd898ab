	cat <<-EOF
	tab stripped
		two tabs
	EOF
echo done
