trap 'echo trap-ran $?' EXIT
echo body
exit 3
