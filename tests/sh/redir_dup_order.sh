{ echo out; echo err >&2; } > both 2>&1
cat both
{ echo out2; echo err2 >&2; } 2>&1 > only-out
cat only-out
