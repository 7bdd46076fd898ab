# A stage that writes into a pipe whose reader is gone ends there, as a
# forked dash stage dies of SIGPIPE: nothing after the write runs, not
# even its EXIT trap.
{ trap 'echo trapped >&2' EXIT; while :; do echo y; done; } | head -1
{ trap 'echo trapped >&2' EXIT; while :; do printf 'p\n'; done; } | head -1
f() { while :; do echo y; done; }
x=$( { f; echo after >&2; } | head -1 ); echo "x=$x"
{ trap 'echo exit-trap-runs' EXIT; echo one; } | cat
g() { echo start; sleep 0; while :; do echo more; done; }
g | head -n 3
echo "status $?"
