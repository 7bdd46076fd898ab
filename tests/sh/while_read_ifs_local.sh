printf 'a:b\nc:d\n' > in
while IFS=: read l r; do echo "$r$l"; done < in
printf '%s' "$IFS" | wc -c
