printf '%s=%s\n' a 1 b 2 c
printf '%d %d\n' 1 2 3
