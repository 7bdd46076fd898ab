printf '[%5s][%-5s][%.2s]\n' ab ab abcdef
printf '[%s]\n'
printf '%s\n' "multi word"
printf '%d\n' "'A"
printf '%s-%s\n' 1 2 3
