#!/bin/bash
# Host tests of the shell and apps (see corral_host.c): each case runs
# `corral sh -c CMD` (or feeds stdin) in a scratch folder and compares the
# combined stdout+stderr and the exit status. Then the line editor is driven
# through a pty (test_edit.py). Ends with "N passed, N failed".
#   user/host/test.sh            build, then test
#   NOBUILD=1 user/host/test.sh  test the existing build
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
OUT=${OUT:-/tmp/corral-host}
if [ -z "$NOBUILD" ]; then
	OUT=$OUT user/host/build.sh >/dev/null || { echo "build failed"; exit 1; }
fi
C=$OUT/corral
W=$(mktemp -d /tmp/corral-test.XXXXXX)
trap 'rm -rf "$W"' EXIT
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
pass=0
fail=0

report() { # name ok detail...
	if [ "$2" = ok ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $1"
		shift 2
		printf '  %s\n' "$@"
	fi
}

# check NAME STATUS EXPECTED CMD: sh -c CMD prints EXPECTED, exits STATUS.
check() {
	local got st d
	d=$(mktemp -d "$W/t.XXXXXX")
	got=$(cd "$d" && timeout 30 "$C" sh -c "$4" 2>&1 </dev/null)
	st=$?
	if [ "$st" = "$2" ] && [ "$got" = "$3" ]; then
		report "$1" ok
	else
		report "$1" bad "cmd: $4" "want ($2): $(printf %q "$3")" "got  ($st): $(printf %q "$got")"
	fi
}

# check_stdin NAME STATUS EXPECTED INPUT: sh reading INPUT from stdin.
check_stdin() {
	local got st d
	d=$(mktemp -d "$W/t.XXXXXX")
	got=$(cd "$d" && printf '%s' "$4" | timeout 30 "$C" sh 2>&1)
	st=$?
	if [ "$st" = "$2" ] && [ "$got" = "$3" ]; then
		report "$1" ok
	else
		report "$1" bad "input: $(printf %q "$4")" "want ($2): $(printf %q "$3")" "got  ($st): $(printf %q "$got")"
	fi
}

# ---- quoting and expansion ----
check quote-single 0 'a  b c  d e f' "echo 'a  b' \"c  d\" e\\ f"
check quote-mixed 0 "it's say \"hi\"" "echo \"it's\" 'say \"hi\"'"
check quote-escapes 0 'a"b x\y $HOME $X \' "echo \"a\\\"b\" 'x\\y' \\\$HOME \"\\\$X\" \\\\"
check quote-empty-word 0 ' x' 'echo "" x'
check quote-adjacent 0 'abcdef' "echo a'b'\"c\"d\\ef"
check quote-backslash-in-dq 0 'aa\z' 'echo "a\c"; echo "a\z"'
check var-braces 0 '1y .' 'X=1; echo "${X}y" $Xy.'
check var-split 0 '3' 'X="1  2   3"; echo $X | wc -w'
check var-nosplit-quoted 0 '1  2   3' 'X="1  2   3"; echo "$X"'
check var-empty-vanishes 0 '2' 'E=; sh -c "echo \$#" x $E a b'
check var-status 0 $'1\n0' 'false; echo $?; echo $?'
check var-status-andor 0 '1' 'false || echo $?'
check var-pid 0 'yes' 'test_pid=$$; echo $$ | grep -q "^[0-9][0-9]*$" && echo yes'
check var-positional 0 'x y 1' "sh -c 'echo \$0 \$1 \$#' x y"
check var-at 0 'a b c' "sh -c 'echo \$@' sh a b c"
check var-unset 0 '[]' 'echo [$NOPE]'
check var-export 0 $'hello\nA=hello' 'A=hello; echo $A; export A; env | grep ^A='
check var-notexported 1 '' 'Q=1; env | grep ^Q='
check var-prefix-assign 0 $'B=2\n[]' 'B=2 env | grep ^B=; echo [$B]'
check var-dollar-literal 0 '$ a$ $. 5$' 'echo $ a$ $. 5$'
check var-bad-subst 2 'sh: 1: ${a^b}: Bad substitution' 'echo ${a^b}'
check var-unset-builtin 0 '[]' 'V=1; unset V; echo [$V]'
check comment 0 'a b#c' 'echo a b#c # not this'

# ---- lists ----
check and-or-1 0 'a' 'true && echo a || echo b'
check and-or-2 0 'b' 'false && echo a || echo b'
check and-or-3 0 'c' 'true || false && echo c'
check and-or-4 1 '' 'false && echo a'
check semi 0 $'a\nb' 'echo a; echo b;'
check semi-status 0 'x' 'false; echo x'

# ---- pipelines ----
check pipe-3 0 '3' 'echo a b c | cat | wc -w'
check pipe-4 0 '2' 'echo x > f; echo y >> f; echo z >> f; cat f | grep -v y | cat | wc -l'
check pipe-status-last 1 '' 'echo x | false'
check pipe-status-last-0 0 '' 'false | true'
check pipe-builtin-first 0 'hi' 'echo hi | cat'
check pipe-builtin-big 0 '20000' "X=0123456789; X=\$X\$X\$X\$X\$X\$X\$X\$X\$X\$X; X=\$X\$X\$X\$X\$X\$X\$X\$X\$X\$X; Y=\$X\$X\$X\$X\$X\$X\$X\$X\$X\$X; echo -n \$Y\$Y | wc -c"
check pipe-builtin-last 0 'z' 'cat /dev/zero | echo z'
check pipe-notfound-mid 0 $'sh: 1: nosuch: not found\n0' 'echo a | nosuch | wc -l'
check pipe-stderr 0 '1' 'ls /nonexistent 2>&1 | grep -c "No such file"'

# ---- redirections ----
check redir-out-in 0 'hi' 'echo hi > f; cat < f'
check redir-append 0 $'a\nb' 'echo a > f; echo b >> f; cat f'
check redir-stderr 0 'sh: 1: nosuch: not found' 'nosuch 2> err; cat err'
check redir-2to1 0 'ls: /nonexistent: No such file or directory' 'ls /nonexistent > out 2>&1; cat out'
check redir-order 0 '' 'echo x 2>/dev/null >&2'
check redir-order-2 0 'x' 'echo x >&2 2>/dev/null'
check redir-nfile 0 'hi' 'echo hi 1>f; cat 0<f'
check redir-in-missing 2 'sh: 1: cannot open nofile: No such file' 'cat < nofile'
check redir-dir-missing 2 'sh: 1: cannot create /nonexistent/f: Directory nonexistent' 'echo x > /nonexistent/f'
check redir-missing-target 2 'sh: 1: Syntax error: end of file unexpected' 'echo >'
check redir-bad-fd 2 'sh: 1: 7: Bad file descriptor' 'echo x >&7'
check redir-restored 0 $'x\ny' 'echo x > f 2>&1; echo y >> f; cat f'
check redir-both 0 $'out\nls: /nope: No such file or directory' 'sh -c "echo out; ls /nope" &> f; cat f'
check redir-var-target 0 'v' 'F=file1; echo v > $F; cat file1'
check exec-fd 0 $'one\ntwo' 'exec 3> f3; echo one >&3; echo two >&3; exec 3>&-; cat f3'
check exec-fd-closed 2 'sh: 1: 3: Bad file descriptor' 'exec 3> f3; exec 3>&-; echo x >&3'
check exec-fd-app 0 'hi' 'exec 4> f4; echo hi > g4; cat g4 >&4; exec 4>&-; cat f4'
check exec-fd-input 0 'line1' 'echo line1 > f5; exec 5< f5; cat <&5; exec 5<&-'
check exec-stdout 0 'moved' 'exec > f6; echo moved; exec 1>&2; cat f6'
check exec-cmd 7 'in' 'exec sh -c "echo in; exit 7"; echo not-here'
check fd-no-leak 0 '0' 'echo x > f; cat f > /dev/null; cat f | cat > /dev/null; ls /proc/$$/fd | grep -c "^[3-9]$"; true'
check echo-write-error 1 'sh: 1: write error: No space left on device' 'echo x > /dev/full'
check echo-write-error-app 1 'echo: write error: No space left on device' 'env echo x > /dev/full'

# ---- background jobs ----
check bg-wait 0 $'[1]+ Running  sleep 0.3\ndone' 'sleep 0.3 & jobs; wait; echo done'
check bg-wait-pid 0 '0' 'sleep 0.1 & wait $!; echo $?'
check bg-wait-status 0 '3' 'sh -c "exit 3" & wait $!; echo $?'
check bg-builtin 0 '1' 'false & wait $!; echo $?'
check bg-echo 0 'bg' 'echo bg & wait'
check bg-andor 0 $'x\ny' 'true && echo x && echo y & wait'
check bg-stdin-null 0 '0' 'cat & wait $!; echo $?'
check bg-kill 0 '143' 'sleep 5 & kill $!; wait $!; echo $?'
check bg-jobs-done 0 $'[1]+ Done  true' 'true & sleep 0.2; jobs'
check bg-lastpid 0 'ok' 'sleep 0.1 & test=$!; echo $test | grep -q "^[0-9]" && echo ok; wait'
check wait-notchild 127 '' 'wait 1'

# ---- status and errors ----
check notfound 127 'sh: 1: nosuch: not found' 'nosuch'
check notfound-status 0 '127' 'nosuch 2>/dev/null; echo $?'
check signal-status 0 '137' 'sh -c "kill -9 \$\$"; echo $?'
check exit-n 5 '' 'exit 5; echo no'
check exit-wrap 44 '' 'exit 300'
check exit-bad 2 'sh: 1: exit: Illegal number: x' 'exit x'
check exit-last 1 '' 'false; exit'
check syntax-pipe-start 2 'sh: 1: Syntax error: "|" unexpected' '| echo'
check syntax-or-end 2 'sh: 1: Syntax error: end of file unexpected' 'echo a ||'
check syntax-double-pipe 2 'sh: 1: Syntax error: "|" unexpected' 'echo a | | b'
check syntax-semis 2 'sh: 1: Syntax error: ";;" unexpected' 'echo a;; echo b'
check syntax-amp-start 2 'sh: 1: Syntax error: "&&" unexpected' '&& echo'
check syntax-unterminated-dq 2 'sh: 1: Syntax error: Unterminated quoted string' 'echo "abc'
check syntax-unterminated-sq 2 'sh: 1: Syntax error: Unterminated quoted string' "echo 'abc"
check syntax-nothing-runs 2 'sh: 1: Syntax error: Unterminated quoted string' "echo first; echo 'abc"
check cd-pwd 0 '/tmp' 'cd /tmp && pwd'
check cd-missing 2 "sh: 1: cd: can't cd to /nonexistent" 'cd /nonexistent'
check cd-home 0 '/' 'HOME=/; cd; pwd'
check export-bad 2 'sh: 1: export: 1x=2: bad variable name' 'export 1x=2'
check help-lists 0 $'  cd         cd [DIR|-]: change the working directory\n  grep       print lines matching a pattern' 'help | grep -E "^  (cd|grep) "'
check source 0 'sourced 1' 'echo "S=1; echo sourced \$S" > s.sh; . s.sh'
check script-file 3 $'script a\nx' 'echo "echo script \$1; echo x; exit 3; echo no" > s2.sh; sh s2.sh a'
check script-missing 2 'sh: 0: cannot open nofile.sh: No such file' 'sh nofile.sh'
check multiline-c 0 $'a\nb' $'echo a\necho b'
check multiline-c-syntax 2 $'a\nsh: 3: Syntax error: Unterminated quoted string' $'echo a\necho "b\necho c'
check exit-in-pipeline 0 'still here' 'exit 3 | cat; echo still here'

# ---- input: long lines, garbage ----
long=$(head -c 10000 /dev/zero | tr '\0' 'x')
check_stdin long-line 0 $'sh: line too long\nok' "echo $long"$'\necho ok\n'
exact=$(head -c 4083 /dev/zero | tr '\0' 'y') # "echo " + 4083 + " | wc -c" = 4096
check_stdin line-at-limit 0 '4084' "echo $exact | wc -c"$'\n'
check_stdin stdin-no-newline 0 'last' 'echo last'
check_stdin stdin-unbalanced 2 $'sh: 3: Syntax error: Unterminated quoted string' $'echo "abc\necho after\n'
check_stdin stdin-crlf 0 'crlf' $'echo crlf\r\n'
got=$(cd "$W" && printf 'echo a\000b\n' | "$C" sh 2>&1)
[ "$got" = ab ] && report stdin-nul ok || report stdin-nul bad "got $(printf %q "$got")"
for i in 1 2 3 4 5; do
	mkdir -p "$W/rnd$i"
	out=$(cd "$W/rnd$i" && head -c 200000 /dev/urandom | timeout 60 "$C" sh 2>&1)
	st=$?
	if { [ $st -lt 124 ] || [ $st = 126 ] || [ $st = 127 ]; } && ! grep -q -e AddressSanitizer -e 'runtime error' <<<"$out"; then
		report "random-bytes-$i" ok
	else
		report "random-bytes-$i" bad "status $st" "$(grep -m3 -e AddressSanitizer -e 'runtime error' <<<"$out")"
	fi
done

# ---- apps ----
mkdir -p "$W/shared"
printf 'Name:\tspin\nCpu:\t3\nCpus_allowed_list:\t2-3\nMems_allowed_list:\t1\nState:\tR\n' > "$W/shared/status"
export S=$W/shared
check grep-E 0 $'Cpu:\t3\nCpus_allowed_list:\t2-3\nMems_allowed_list:\t1' "grep -E 'Cpu|allowed' $S/status"
check grep-basic-bar 1 '' "grep 'Cpu|allowed' $S/status"
check grep-bre-alt 0 '2' "grep -c 'Name\\|State' $S/status"
check grep-v-c 0 '3' 'grep -v -c allowed $S/status'
check grep-anchors 0 $'Name:\tspin' "grep '^N.*n\$' $S/status"
check grep-class 0 $'Cpu:\t3\nMems_allowed_list:\t1' "grep '[0-9]\$' $S/status | grep -v '[-]'"
check grep-icase 0 $'State:\tR' 'grep -i "^state" $S/status'
check grep-n 0 $'5:State:\tR' 'grep -n State $S/status'
check grep-group 0 '2' "grep -cE '^(Cpus|Mems)_' $S/status"
check grep-plus 0 'aab' "echo aab | grep -E '^a+b\$'"
check grep-quest 0 'ac' "echo ac | grep -E '^ab?c\$'"
check grep-star-start 0 '*x' "echo '*x' | grep '*x'"
check grep-class-neg 0 'abc' "echo abc | grep '^[^0-9]*\$'"
check grep-posix-class 0 'A1' "echo A1 | grep '^[[:upper:]][[:digit:]]\$'"
check grep-nomatch 1 '' 'echo abc | grep xyz'
check grep-badre 2 'grep: a(b: unmatched ( or \(' "echo x | grep -E 'a(b'"
check grep-missing 2 'grep: nofile: No such file or directory' 'grep x nofile'
check grep-files 0 $'status:Name:\tspin\nf:Name' 'cat $S/status > status; echo Name > f; grep Name status f'
check wc 0 '      2       3       8' 'echo "a b" > f; echo cde >> f; cat f | wc'
check wc-l 0 '3' 'echo "a b" > f; echo c >> f; echo d >> f; wc -l < f'
check wc-file 0 '2 f' 'echo a > f; echo b >> f; wc -l f'
check head-n 0 $'1\n2' 'echo 1 > f; echo 2 >> f; echo 3 >> f; head -n 2 f'
check head-N 0 '1' 'echo 1 > f; echo 2 >> f; head -1 f'
check cat-missing 1 $'a\ncat: nofile: No such file or directory' 'echo a > f; cat f nofile'
check cat-stdin 0 'in' 'echo in | cat -'
check ls-sorted 0 $'a\nb\nc' 'mkdir d; touch d/c d/a d/b; ls d'
check ls-a 0 $'.\n..\n.h\nv' 'mkdir e; touch e/.h e/v; ls -a e'
check ls-l 0 '-rw-r--r--  1        3 f' 'echo hi > f; ls -l f'
check ls-multi 0 $'d1:\nx\n\nd2:\ny' 'mkdir d1 d2; touch d1/x d2/y; ls d1 d2'
check ls-missing 1 'ls: nope: No such file or directory' 'ls nope'
check mkdir-p 0 'c' 'mkdir -p a/b/c; mkdir -p a/b/c; ls a/b'
check mkdir-exists 1 'mkdir: a: File exists' 'mkdir a; mkdir a'
check rmdir-busy 1 'rmdir: a: Directory not empty' 'mkdir -p a/b; rmdir a'
check rm-dir 1 'rm: a: Is a directory' 'mkdir a; rm a'
check rm-r 0 '' 'mkdir -p a/b/c; touch a/b/f a/x; rm -r a; ls'
check rm-f 0 '' 'rm -f nothing'
check rm-r-deep 0 '' 'mkdir -p a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t; touch a/b/c/f1 a/b/c/d/e/f/g/f2; rm -r a; ls'
check source-loop 2 'sh: 1: nesting too deep' 'echo ". l.sh" > l.sh; . l.sh'
check grep-many-stars 0 'ab' "echo ab | grep 'a\\+*\\?**b'"
check rm-missing 1 'rm: nothing: No such file or directory' 'rm nothing'
check mv 0 $'m\nnew' 'echo m > old; mv old new; cat new; ls'
check mv-into-dir 0 'f' 'mkdir d; touch f; mv f d; ls d'
check touch 0 'f' 'touch f; touch f; ls'
check kill-bad 2 'sh: 1: kill: invalid signal number or name: -FOO' 'kill -FOO 1'
check kill-missing 1 'kill: 999999: No such process' 'kill -9 999999'
check kill-name 0 '130' 'sleep 5 & kill -s INT $!; wait $!; echo $?'
check kill-sig 0 '137' 'sleep 5 & kill -SIGKILL $!; wait $!; echo $?'
check sleep-frac 0 '' 'sleep 0.05'
check sleep-bad 1 $'sleep: invalid time interval \'x\'\nTry \'sleep --help\' for more information.' 'sleep x'
check true-false 0 '1' 'sh -c "exec false"; echo $?'
check env-run 0 'Z=9' 'env Z=9 env | grep ^Z='
check taskset-run 0 'ok' 'taskset -c 0 echo ok'
check taskset-bad 1 'taskset: 0-x: Invalid argument' 'taskset -c 0-x true'
check taskset-p 0 '1' 'taskset -pc $$ | grep -c "^pid [0-9]*.s current affinity list: [0-9]"'
for app in $("$C" sh -c 'help' | sed -n '/^Apps/,$p' | tail -n +2 | awk '{print $1}'); do
	got=$(timeout 5 "$C" "$app" --help 2>&1)
	st=$?
	if [ $st = 0 ] && [ -n "$got" ]; then
		report "help-$app" ok
	else
		report "help-$app" bad "status $st: $got"
	fi
done

# ---- apps on a fake /proc (CORRAL_ROOT) ----
F=$W/fake
mkdir -p "$F/proc/7" "$F/proc/12" "$F/dev"
printf 'node 0 cpus 0-1 size_kb 524288 free_kb 508928\nnode 1 cpus 2-3 size_kb 524288 free_kb 500000\ndistances 0: 10 20\ndistances 1: 20 10\n' > "$F/proc/nodes"
printf 'Name:\tsh\nState:\tS (sleeping)\nPid:\t7\nPPid:\t0\nCpu:\t0\nCpuTime:\t1500000000\n' > "$F/proc/7/status"
printf 'Name:\tspin\nState:\tR (running)\nPid:\t12\nPPid:\t7\nCpu:\t3\nCpuTime:\t61230000000\n' > "$F/proc/12/status"
printf 'MemTotal:       1048576 kB\nMemFree:         997376 kB\n' > "$F/proc/meminfo"
printf '3725.31 100.00\n' > "$F/proc/uptime"
printf '0.50 0.25 0.10 1/20 12\n' > "$F/proc/loadavg"
printf 'hello from the kernel\n' > "$F/dev/kmsg"
fake() { # NAME STATUS EXPECTED CMD
	local got st
	got=$(cd "$W" && CORRAL_ROOT=$F timeout 30 "$C" sh -c "$4" 2>&1 </dev/null)
	st=$?
	if [ "$st" = "$2" ] && [ "$got" = "$3" ]; then
		report "$1" ok
	else
		report "$1" bad "cmd: $4" "want ($2): $(printf %q "$3")" "got  ($st): $(printf %q "$got")"
	fi
}
fake numactl 0 'available: 2 nodes (0-1)
node 0 cpus: 0 1
node 0 size: 512 MB
node 0 free: 497 MB
node 1 cpus: 2 3
node 1 size: 512 MB
node 1 free: 488 MB
node distances:
node   0   1 
  0:  10  20 
  1:  20  10 ' 'numactl --hardware'
F1=$W/fake1
mkdir -p "$F1/proc"
printf 'node 0 cpus 0 size_kb 262144 free_kb 262144\ndistances 0: 10\n' > "$F1/proc/nodes"
got=$(CORRAL_ROOT=$F1 "$C" numactl --hardware 2>&1)
want='available: 1 nodes (0)
node 0 cpus: 0
node 0 size: 256 MB
node 0 free: 256 MB
node distances:
node   0 
  0:  10 '
[ "$got" = "$want" ] && report numactl-1node ok || report numactl-1node bad "got $(printf %q "$got")"
fake ps 0 '  PID  PPID CPU STATE      TIME NAME
    7     0   0 S       0:01.50 sh
   12     7   3 R       1:01.23 spin' 'ps'
fake free-m 0 '               total        used        free
Mem:            1024          50         974' 'free -m'
fake uptime 0 ' up  1:02,  load average: 0.50, 0.25, 0.10' 'uptime'
fake dmesg 0 'hello from the kernel' 'dmesg'
fake top 0 'top - up 1:02:05,  load average: 0.50, 0.25, 0.10
Tasks: 2 total, 1 running

  PID   %CPU CPU NODE STATE NAME
    7    0.0   0    - S     sh
   12    0.0   3    - R     spin' 'top -n 1 -d 0.1'
mkdir -p "$F/cg/batch/sub" "$F/cg/idle"
printf '1\n7\n' > "$F/cg/tasks"; printf '12\n' > "$F/cg/batch/tasks"; : > "$F/cg/batch/sub/tasks"; : > "$F/cg/idle/tasks"
for d in "$F/cg" "$F/cg/batch" "$F/cg/batch/sub" "$F/cg/idle"; do echo 1000 > "$d/cpuacct.usage"; done
echo 5 > "$F/cg/bc.physpages.held"; echo 100 > "$F/cg/batch/bc.physpages.held"
echo 28 > "$F/cg/batch/sub/bc.physpages.held"; echo 0 > "$F/cg/idle/bc.physpages.held"
printf 'none %s container rw,cpuacct,bc 0 0\n' "$F/cg" > "$F/proc/mounts"
got=$(CORRAL_ROOT=$F "$C" top -c "$F/cg" -n 1 -d 0.1 2>&1 | tail -n +3 | sort)
want='/                             3    0.0       532K
/batch                        1    0.0       512K
/batch/sub                    0    0.0       112K
/idle                         0    0.0         0K
CONTAINER                 TASKS   %CPU        MEM'
[ "$got" = "$want" ] && report top-c ok || report top-c bad "got $(printf %q "$got")"
echo 4096 > "$F/cg/batch/bc.physpages.barrier"
fake free-C 0 '               total        used        free
Mem:           16384         400       15984' "free -C $F/cg/batch"
fake free-C-nobc 1 "free: $F/proc: not a container with bc.physpages" "free -C $F/proc 2>&1"
fake memhog-nofile 0 '1' 'memhog -t 0 1 2>&1 | grep -c "^memhog: /proc/[0-9]*/numa: No such file or directory$"'
got=$(cd "$W" && ulimit -n 10 && ASAN_OPTIONS=detect_leaks=0 "$C" fdhog 100 2>&1)
st=$?
[ $st = 1 ] && [ "$got" = $'opened 7\nfdhog: open: Too many open files' ] &&
	report fdhog-limit ok || report fdhog-limit bad "status $st, got $(printf %q "$got")"

# ---- the line editor, through a pty ----
if python3 -c 'import pexpect' 2>/dev/null; then
	while read -r line; do
		case "$line" in
		"PASS "*) report "${line#PASS }" ok ;;
		"FAIL "*) report "${line#FAIL }" bad "see test_edit.py" ;;
		*) echo "$line" ;;
		esac
	done < <(cd "$W" && python3 "$ROOT/user/host/test_edit.py" "$C" 2>&1)
else
	echo "python3 pexpect missing: line-editor tests skipped"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
