echo err >&2
echo to-null 2>/dev/null >&2
nosuchcmd_x 2> e
cat e
echo "x" 2>&1
