printf 'hello\n'
printf '%s %s\n' a b c d
printf '%d|%5d|%-5d|%05d\n' 42 42 42 42
printf '%x %X %o %u\n' 255 255 8 17
printf '%c%c\n' hello world
printf '%%\n'
