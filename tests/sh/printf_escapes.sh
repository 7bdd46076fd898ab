printf 'tab\there\n'
printf 'oct \101\102\n'
printf '%b\n' 'a\tb' 'c\nd'
printf '%b' 'stop\cnot'
echo
printf 'q\"q\\\n'
