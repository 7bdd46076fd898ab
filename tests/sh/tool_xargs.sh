printf 'a b\nc\n' | xargs
printf '1 2 3 4 5\n' | xargs -n 2
printf 'x\n y z\n' | xargs -I {} echo '<{}>'
printf '%s\n' "'a b' \"c d\" e\\ f" | xargs echo pre
printf '' | xargs echo empty
printf '' | xargs -r echo never
printf 'a\n' | xargs false; echo "status $?"
printf 'a\n' | xargs -n 0; echo "status $?"
