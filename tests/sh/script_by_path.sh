printf 'echo script-run "$@"\nexit 4\n' > s.sh
sh ./s.sh a b
echo "s=$?"
printf '#!/bin/sh\necho hashbang $0\n' > h.sh
sh h.sh
