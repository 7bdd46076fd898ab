# Here-documents and line numbers inside commands a stage runs.
v=expanded
f() {
	cat <<EOF2
a $v line
EOF2
	cat <<'EOF2'
b $v literal
EOF2
}
f | cat
{ cat <<-EOF2
	tabs stripped $v
	EOF2
} | tr a-z A-Z
g() {
	echo line-three

	no_such_command_here
}
g 2>&1 | cat
{ no_such_in_stage; } 2>&1 | cat
