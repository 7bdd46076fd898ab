// The torture suite's shell-script operation (see kernel/torture.h): a
// worker writes a random script made of the shell grammar's tokens to
// /tmp/tsh_wN.sh, runs it as `sh FILE` in a child (fds 0-2 are the
// worker's /dev/null, the script starts in /tmp/tsh_wN) and gives it a
// deadline of a few seconds. Past it -- or when the controller pauses the
// workers -- the script's shell and everything it started get SIGKILL and
// must be gone soon (kill_script says how soon); what a script started
// and left running when it ended (`sleep 99 &`) is killed the same way. A script that
// cannot be killed is a failure (torture_fail); its exit status, however
// odd, is not. Kernel error reports and the end checks' counts judge the
// rest. What scripts make in /, /tmp, /torture and /sys goes at each check
// (kernel/torture_run.c's scratch_clean).
//
// The generator (a C port of user/host/sh_fuzz.py, grown): a third of the
// scripts are a soup of random tokens; the rest are commands built from
// the grammar -- keywords, pipelines, and-or lists, groups, subshells,
// functions, loops (endless ones too), case, here-documents, redirections,
// expansions $(...) `...` ${v:-w} $((...)), quotes, globs -- and
// container commands on the torture hierarchies (echo $$ > .../tasks,
// mkdir, rmdir, cat cpuacct.usage), a quarter of them mutated afterwards
// (random tokens inserted, a piece cut out, cut short). Nesting is
// bounded by SH_DEPTH_MAX, so the generator's recursion is too. Every
// choice comes from the worker's PRNG: SEED= repeats the scripts.
#include "fs/vfs.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "kernel/torture_internal.h"
#include "arch/x86/smp.h"
#include "arch/x86/trap.h"
#include "lib/printf.h"
#include "lib/string.h"

#define SH_DEPTH_MAX 3     // nesting of generated commands and words
#define SH_DEADLINE_MIN_MS 1000
#define SH_DEADLINE_RANGE_MS 2000 // deadline: 1 to 3 s
#define SH_REAP_S 10      // a killed task that ran SH_RAN_MS since and lives after
#define SH_RAN_MS 500     // this long is a failure, and so is one that is
#define SH_REAP_MAX_S 60  // still there at all after this long
#define SH_TRACKED 32     // descendants remembered while a script runs

// Each worker's last script, for the failure report (written by the
// worker only; read when the workers are parked or the kernel crashed).
static char scripts[MAX_WORKERS][SH_SCRIPT_MAX];

// ---- The generator ----

struct gen {
	char *buf;
	size_t len;
	u64 *rng;
	int depth;
};

static void put(struct gen *g, const char *s)
{
	size_t n = strlen(s);
	if (g->len + n >= SH_SCRIPT_MAX)
		n = SH_SCRIPT_MAX - 1 - g->len;
	memcpy(g->buf + g->len, s, n);
	g->len += n;
	g->buf[g->len] = '\0';
}

static void putf(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct gen *g, const char *fmt, ...)
{
	char tmp[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	put(g, tmp);
}

#define PICK(g, a) ((a)[rnd((g)->rng, ARRAY_SIZE(a))])
static unsigned roll(struct gen *g, unsigned n) { return rnd(g->rng, n); }

// sh_fuzz.py's tokens, with container paths and commands added.
static const char *const soup[] = {
	"if", "then", "else", "elif", "fi", "while", "until", "do", "done", "for", "in",
	"case", "esac", ";;", "{", "}", "(", ")", "!", "&&", "||", "|", ";", "&", "\n",
	"<", ">", ">>", "<<", "<<-", "<&", ">&", "2>&1", "<>", "EOF", "-",
	"x", "y", "i", "f()", "f", "echo", "true", "false", ":", "test", "[", "]", "read",
	"set", "shift", "local", "return", "break", "continue", "eval", "exit", "trap",
	"export", "unset", "printf", "cd", "wait", "exec", "alias", "command", "type",
	"$x", "${x}", "${x:-w}", "${x#*}", "${#x}", "${x%%?}", "${x:=v}", "${x?e}", "$@", "$*",
	"\"$@\"", "$#", "$?", "$$", "$!", "$1", "${10}", "$(", "`", "$((", "))", "1", "0", "+",
	"*", "/", "%", "<<=", "x=1", "y=$x", "'q'", "\"d\"", "\\", "\\\n", "#c", "~", "*.sh",
	"?", "[a-z]", "[!", "'", "\"", "$", "${", "}", "a b", "--", "-e", "-n", "=", "-eq",
	"cat", "mkdir", "rmdir", "sleep", "/torture/h0/a", "/torture/h1/b/tasks",
	"/torture/h0/cpuacct.usage", "tasks", "cpuacct.usage", "/proc/$$/container", ":;",
};

static const char *const var_names[] = {"x", "y", "i", "n", "v", "IFS", "PATH", "HOME", "1"};
// Never IFS: with digits in IFS, `kill -TERM $$` splits the shell's pid
// into small numbers -- a torture worker's pid (as dash would; the
// workers are tasks a script may kill). IFS gets values without digits
// in builtin_lines.
static const char *const assignable[] = {"x", "x", "y", "i", "n", "v", "HOME"};
static const char *const literals[] = {
	"a", "b", "x", "hello", "a b", "-n", "-e", "--", "-", "0", "1", "2", "10", "-1", "%s", "%d",
	"\\n", "99999999999999999999", "-2147483649", ".", "..", "/", "/tmp", "/nonexistent", "=",
	"f", "g", "*", "?", "[a-z]*", "*.sh", "~", "~/x", "-eq", "-lt", "-gt", "-ne", "-z", "!=",
	"-f", "-d", "-e", "-a", "-o", "!", "EOF", "exit", "in", "do", "}", "{", "\\(", "')'"};
static const char *const subst_ops[] = {":-", "-", ":=", "=", ":+", "+", "#", "##", "%", "%%",
					":?", "?"};
static const char *const patterns[] = {"*", "?", "a*", "*b", "[0-9]", "x", "''", "[!a]*", "\\*"};
static const char *const specials[] = {"$@", "$*", "\"$@\"", "\"$*\"", "$#", "$?", "$$", "$!",
				       "$1", "$2", "${10}", "$0", "$-", "$PPID", "$LINENO"};
static const char *const arith_ops[] = {"+", "-", "*", "/", "%", "<<", ">>", "<", ">", "<=",
					">=", "==", "!=", "&", "|", "^", "&&", "||", ","};
static const char *const redirs[] = {">x", ">>x", "<x", "2>&1", ">/dev/null", "2>/dev/null",
				     "<&-", ">&-", ">&3", "3<x", "<>y", "<f.sh", "2>>err",
				     "</dev/null", ">&2", "9>x"};
// Command names that take any words: builtins, apps, the functions the
// scripts define, none. (Special builtins get arguments of their kind in
// gen_simple: a bad one ends the script, as in dash.)
static const char *const commands[] = {
	"echo", "echo", "printf", "true", "false", ":", "test", "[", "type", "command", "cat",
	"seq", "expr", "f", "g", "ls", "head", "wc", "grep", "sort", "tr", "cut", "basename",
	"nosuchcmd", "pwd", "tee", "sh -c", "xargs", "./f.sh", "env"};
// Special and job builtins with the arguments they take, right or wrong.
static const char *const builtin_lines[] = {
	"shift", "shift 2", "shift 99", "break", "break 2", "continue", "continue 0", "return",
	"return 3", "return x", "exit 7", "set -- a 'b c' d", "set -e", "set +e", "set -u",
	"set -x", "set -f", "set +f", "set -- *", "set -o", "read x", "read -r x y", "read",
	"export x", "export v=1 PATH", "unset x y", "unset -f f", "readonly n", "local x=3 y",
	"cd /tmp", "cd -", "cd ..", "cd /nonexistent", "cd", "eval", "alias x='echo a'",
	"alias", "unalias x", "unalias -a", "wait", "wait $!", "wait %1", "umask", "umask 022",
	"umask 777", "umask x", "ulimit -n", "ulimit -n 20", "ulimit -a", "exec 3>x",
	"exec 4<&-", "exec 2>/dev/null", "exec true", ". /dev/null", ". ./f.sh", ". x",
	"getopts ab: o", "jobs", "fg", "bg", "times", "hash", "trap", "kill -l", "kill %1",
	"kill -STOP $$", "kill -9 $!", "kill -INT $$", "kill -TERM $$", "kill -CONT $!",
	"kill -0 $$", "trap 'echo t' EXIT", "trap '' INT", "trap - TERM", "trap 'exit 3' TERM",
	"trap 'echo $x' EXIT INT", "sleep 0", "sleep 1", "sleep 100", "sleep x", "sh -c 'exit 4'",
	"echo 'echo in f; f() { :; }; x=f' > f.sh", "chmod 755 f.sh", "sh f.sh a", "sh -c 'echo $$' &",
	"IFS=:", "IFS=' '", "IFS=", "unset IFS", "IFS=/", "IFS='a b'", "IFS=\"$IFS-\"",
	"type f g cat", "command -v echo", "printf '%s %d\\n' a 1 b", "echo $x >> x", "cat x",
	"cat <x", "cat x x > y"};
// Control files a script reads or writes below a hierarchy's top.
static const char *const cont_files[] = {"tasks", "cpuacct.usage", "cpuacct.usage_percpu",
					 "notify_on_release", "cpuset.cpus", "memset.mems",
					 "numtasks.stats", "numtasks.max", "cpu.shares",
					 "bc.numfiles.held", "cpu.stat", "nosuchfile"};
static const char *const cont_values[] = {"$$", "0", "1", "0-1", "2", "max", "-1", "abc", "",
					  "$!", "100", "0-63"};

static void gen_word(struct gen *g);
static void gen_list(struct gen *g, int ncmds);

// "; KEYWORD", or just KEYWORD after a newline (a here-document's end):
// a line never starts with ';'.
static void put_kw(struct gen *g, const char *kw)
{
	char last = g->len ? g->buf[g->len - 1] : '\n';
	if (last == '&' && (g->len < 2 || g->buf[g->len - 2] != '&'))
		put(g, " ");
	else if (last != '\n')
		put(g, "; ");
	put(g, kw);
}

// What separates two commands: "; " or a newline; after a background
// command ("cmd &") a space (";" would be a syntax error), after a
// here-document's end nothing.
static void put_sep(struct gen *g)
{
	char last = g->len ? g->buf[g->len - 1] : '\n';
	if (last == '\n')
		return;
	if (last == '&' && (g->len < 2 || g->buf[g->len - 2] != '&'))
		put(g, roll(g, 2) ? " " : "\n");
	else
		put(g, roll(g, 3) ? "; " : "\n");
}

// A container directory below a hierarchy's top (never the top itself:
// notop runs leave the tops' files alone).
static void gen_cont_dir(struct gen *g)
{
	putf(g, "/torture/h%u/%c", roll(g, torture.nslots), "abcx"[roll(g, 4)]);
	for (unsigned d = roll(g, 3); d; d--)
		putf(g, "/%c", "abc"[roll(g, 3)]);
}

static void gen_arith(struct gen *g)
{
	if (g->depth >= SH_DEPTH_MAX || roll(g, 3) == 0) {
		switch (roll(g, 6)) {
		case 0: putf(g, "%u", roll(g, 20)); break;
		case 1: put(g, PICK(g, var_names)); break;
		case 2: putf(g, "$%s", PICK(g, var_names)); break;
		case 3: put(g, PICK(g, ((const char *const[]){"0x1f", "010", "-5", "9223372036854775807",
								 "99999999999999999999", "08", "1e3"}))); break;
		case 4: put(g, "i=i+1"); break;
		default: put(g, "0");
		}
		return;
	}
	g->depth++;
	switch (roll(g, 6)) {
	case 0: put(g, "("); gen_arith(g); put(g, ")"); break;
	case 1: put(g, PICK(g, ((const char *const[]){"-", "!", "~", "+", "++", "--"}))); gen_arith(g); break;
	case 2: gen_arith(g); put(g, " ? "); gen_arith(g); put(g, " : "); gen_arith(g); break;
	case 3: put(g, PICK(g, assignable)); put(g, PICK(g, ((const char *const[]){"=", "+=", "-=", "*=", "/=", "%=", "<<=", "|="}))); gen_arith(g); break;
	default: gen_arith(g); put(g, PICK(g, arith_ops)); gen_arith(g);
	}
	g->depth--;
}

// A command for a substitution: small, and never a loop without end.
static void gen_subst_body(struct gen *g)
{
	g->depth++;
	gen_list(g, 1 + roll(g, 2));
	g->depth--;
}

static void gen_word(struct gen *g)
{
	bool deep = g->depth >= SH_DEPTH_MAX;
	switch (roll(g, 18)) {
	case 0: case 1: case 2: put(g, PICK(g, literals)); break;
	case 3: putf(g, "$%s", PICK(g, var_names)); break;
	case 4: {
		const char *op = PICK(g, subst_ops);
		putf(g, "${%s%s", strchr(op, '=') ? PICK(g, assignable) : PICK(g, var_names), op);
		put(g, roll(g, 2) ? PICK(g, patterns) : PICK(g, literals));
		put(g, "}");
		break;
	}
	case 5: putf(g, "${#%s}", PICK(g, var_names)); break;
	case 6: put(g, PICK(g, specials)); break;
	case 7:
		if (deep) { put(g, "$(echo x)"); break; }
		put(g, "$( "); gen_subst_body(g); put(g, "\n)");
		break;
	case 8: put(g, roll(g, 2) ? "`echo b`" : "`echo $x`"); break;
	case 9: put(g, "$(("); gen_arith(g); put(g, "))"); break;
	case 10: putf(g, "'%s %s'", PICK(g, literals), PICK(g, literals)); break;
	case 11:
		put(g, "\"");
		if (!deep) { g->depth++; gen_word(g); g->depth--; }
		putf(g, " $%s\"", PICK(g, var_names));
		break;
	case 12: put(g, PICK(g, ((const char *const[]){"*", "?", "[a-z]*", "/tmp/*", "*.sh", "[!", "/torture/h0/*"}))); break;
	case 13: putf(g, "%d", (int)roll(g, 30) - 5); break;
	case 14:
		if (deep) { put(g, "xy"); break; }
		g->depth++; gen_word(g); gen_word(g); g->depth--; // joined
		break;
	case 15: gen_cont_dir(g); putf(g, "/%s", PICK(g, cont_files)); break;
	case 16: put(g, PICK(g, ((const char *const[]){"\\$x", "\\\"", "a\\ b", "''", "\"\"", "\\\\"}))); break;
	default: put(g, PICK(g, var_names));
	}
}

// echo $$ > /torture/hN/D/tasks, mkdir, rmdir, cat cpuacct.usage...
static void gen_container_cmd(struct gen *g)
{
	switch (roll(g, 7)) {
	case 0:
		put(g, "echo $$ > ");
		if (roll(g, 4) == 0)
			putf(g, "/torture/h%u", roll(g, torture.nslots));
		else
			gen_cont_dir(g);
		put(g, "/tasks");
		break;
	case 1: put(g, roll(g, 2) ? "mkdir " : "mkdir -p "); gen_cont_dir(g); break;
	case 2: put(g, "rmdir "); gen_cont_dir(g); break;
	case 3: put(g, "cat "); gen_cont_dir(g); putf(g, "/%s", PICK(g, cont_files)); break;
	case 4:
		putf(g, "echo %s > ", PICK(g, cont_values));
		gen_cont_dir(g);
		putf(g, "/%s", PICK(g, cont_files));
		break;
	case 5: put(g, roll(g, 2) ? "cat /proc/$$/container" : "cat /proc/containers"); break;
	default: put(g, "cd "); gen_cont_dir(g); put(g, " && cat cpuacct.usage tasks; cd /tmp");
	}
}

static void gen_simple(struct gen *g)
{
	if (roll(g, 8) == 0) {
		putf(g, "%s=", PICK(g, assignable));
		gen_word(g);
		put(g, " ");
	}
	if (roll(g, 3) == 0) {
		put(g, PICK(g, builtin_lines));
	} else {
		const char *cmd = PICK(g, commands);
		put(g, cmd);
		for (unsigned n = roll(g, 5); n; n--) {
			put(g, " ");
			gen_word(g);
		}
		if (!strcmp(cmd, "[") && roll(g, 5))
			put(g, " ]");
	}
	for (unsigned n = roll(g, 4) == 0 ? 1 + roll(g, 2) : 0; n; n--)
		putf(g, " %s", PICK(g, redirs));
}

static void gen_heredoc(struct gen *g)
{
	static const char *const delims[] = {"EOF", "'EOF'", "\"EOF\"", "E\\OF"};
	bool dash = roll(g, 3) == 0;
	putf(g, "%s <<%s%s\n", roll(g, 2) ? "cat" : "read x y", dash ? "-" : "", PICK(g, delims));
	for (unsigned n = roll(g, 4); n; n--) {
		put(g, dash && roll(g, 2) ? "\t" : "");
		gen_word(g);
		put(g, " ");
		gen_word(g);
		put(g, "\n");
	}
	put(g, roll(g, 8) ? (dash ? "\tEOF\n" : "EOF\n") : "EO\n"); // sometimes no end
}

// One command of the grammar (compound ones nest up to SH_DEPTH_MAX).
static void gen_command(struct gen *g)
{
	if (g->depth >= SH_DEPTH_MAX) {
		gen_simple(g);
		return;
	}
	g->depth++;
	switch (roll(g, 22)) {
	case 0: gen_simple(g); put(g, " | "); gen_simple(g); break;
	case 1: gen_simple(g); put(g, roll(g, 2) ? " && " : " || "); gen_command(g); break;
	case 2: put(g, "! "); gen_simple(g); break;
	case 3: gen_simple(g); put(g, " &"); break;
	case 4: put(g, "{ "); gen_list(g, 1 + roll(g, 3)); put_kw(g, "}"); break;
	case 5: put(g, "( "); gen_list(g, 1 + roll(g, 3)); put(g, "\n)"); break;
	case 6:
		put(g, "if "); gen_command(g); put_kw(g, "then "); gen_list(g, 1 + roll(g, 2));
		if (roll(g, 2)) { put_kw(g, "elif "); gen_command(g); put_kw(g, "then "); gen_list(g, 1); }
		if (roll(g, 2)) { put_kw(g, "else "); gen_list(g, 1 + roll(g, 2)); }
		put_kw(g, "fi");
		break;
	case 7: // a loop that ends
		putf(g, "i=0; while [ $i -lt %u ]; do ", roll(g, 50));
		gen_list(g, 1 + roll(g, 2));
		put_kw(g, "i=$((i+1)); done");
		break;
	case 8: // loops that may never end
		put(g, PICK(g, ((const char *const[]){"while :; do ", "until false; do ", "while true; do ",
							  "while read x; do ", "while [ 1 ]; do "})));
		gen_list(g, 1 + roll(g, 2));
		put_kw(g, "done");
		break;
	case 9:
		putf(g, "for %s", PICK(g, assignable));
		if (roll(g, 4)) {
			put(g, " in");
			for (unsigned n = roll(g, 4); n; n--) {
				put(g, " ");
				gen_word(g);
			}
		}
		put(g, "; do "); gen_list(g, 1 + roll(g, 2)); put_kw(g, "done");
		break;
	case 10:
		put(g, "case "); gen_word(g); put(g, " in");
		for (unsigned n = 1 + roll(g, 3); n; n--) {
			put(g, " "); gen_word(g);
			if (roll(g, 2)) { put(g, "|"); put(g, PICK(g, patterns)); }
			put(g, ") "); gen_list(g, 1); put(g, g->buf[g->len - 1] == '\n' ? ";;" : " ;;");
		}
		put(g, roll(g, 2) ? " *) : ;; esac" : " esac");
		break;
	case 11: // functions, recursive ones too
		putf(g, "%s() { ", roll(g, 2) ? "f" : "g");
		gen_list(g, 1 + roll(g, 2));
		put_kw(g, roll(g, 3) ? "}" : "f; }");
		break;
	case 12: put(g, "g() ( "); gen_list(g, 1); put(g, "\n)"); break;
	case 13: gen_heredoc(g); break;
	case 14: case 15: gen_container_cmd(g); break;
	case 16: putf(g, "%s=", PICK(g, assignable)); gen_word(g); break;
	case 17: put(g, "eval '"); gen_simple(g); put(g, "'"); break;
	case 18: put(g, "x=$( "); gen_list(g, 1); put(g, "\n)"); break;
	default: gen_simple(g);
	}
	g->depth--;
}

static void gen_list(struct gen *g, int ncmds)
{
	for (int i = 0; i < ncmds; i++) {
		if (i)
			put_sep(g);
		gen_command(g);
	}
}

// Insert a random token, cut a piece out, or end the script early.
static void mutate(struct gen *g, size_t header)
{
	size_t at = header + (g->len > header ? roll(g, (unsigned)(g->len - header)) : 0);
	switch (roll(g, 4)) {
	case 0: { // cut [at, at+n)
		size_t n = 1 + roll(g, 12);
		n = MIN(n, g->len - at);
		memmove(g->buf + at, g->buf + at + n, g->len - at - n + 1);
		g->len -= n;
		break;
	}
	case 1:
		g->len = at;
		g->buf[at] = '\0';
		break;
	default: {
		char tok[24];
		snprintf(tok, sizeof(tok), roll(g, 2) ? " %s " : "%s", PICK(g, soup));
		size_t n = strlen(tok);
		if (g->len + n >= SH_SCRIPT_MAX)
			return;
		memmove(g->buf + at + n, g->buf + at, g->len - at + 1);
		memcpy(g->buf + at, tok, n);
		g->len += n;
	}
	}
}

// A script for worker w into buf (SH_SCRIPT_MAX bytes): its length.
size_t torture_sh_generate(struct torture_worker *w, char *buf)
{
	struct gen g = {.buf = buf, .len = 0, .rng = &w->rng, .depth = 0};
	buf[0] = '\0';
	putf(&g, "cd /tmp/tsh_w%d || exit 99\n", w->id);
	size_t header = g.len; // mutations leave the cd line alone
	unsigned kind = roll(&g, 6);
	if (kind < 2) { // token soup, as sh_fuzz.py makes
		for (unsigned n = 1 + roll(&g, 60); n; n--) {
			put(&g, PICK(&g, soup));
			put(&g, " ");
		}
	} else {
		for (unsigned n = 1 + roll(&g, 8); n; n--) {
			gen_command(&g);
			put_sep(&g);
		}
		if (kind == 2)
			for (unsigned n = 1 + roll(&g, 4); n; n--)
				mutate(&g, header);
	}
	put(&g, "\n");
	return g.len;
}

// ---- Running a script ----

// The script's tasks: its shell and every task below it.
struct sh_tree {
	pid_t root;
	pid_t pids[SH_TRACKED];
	int n;
};

// Called under tasklist_lock (for_each_task): t->parent is stable.
static bool below(struct task *t, pid_t root)
{
	for (int i = 0; t && i < 64; i++, t = t->parent)
		if (t->pid == root)
			return true;
	return false;
}

static bool tree_add(struct task *t, void *arg)
{
	struct sh_tree *tr = arg;
	if (t->pid == tr->root || (READ_ONCE(t->state) & (TASK_ZOMBIE | TASK_DEAD)) ||
	    !below(t->parent, tr->root))
		return true;
	for (int i = 0; i < tr->n; i++)
		if (tr->pids[i] == t->pid)
			return true;
	if (tr->n < SH_TRACKED)
		tr->pids[tr->n++] = t->pid;
	return true;
}

// Is pid still a task that has not exited?
static bool alive(pid_t pid)
{
	struct task *t = task_find_get(pid);
	if (!t)
		return false;
	bool live = !(READ_ONCE(t->state) & (TASK_ZOMBIE | TASK_DEAD));
	task_put(t);
	return live;
}

static void print_script(struct torture_worker *w)
{
	kprintf("torture: worker %d's script (/tmp/tsh_w%d.sh):\n", w->id, w->id);
	const char *s = scripts[w->id];
	while (*s) {
		size_t n = strcspn(s, "\n");
		kprintf("  | %.*s\n", (int)n, s);
		s += n + (s[n] == '\n');
	}
}

void torture_print_scripts(void)
{
	for (int i = 0; i < torture.nworkers; i++)
		if (torture.w[i].sh_pid)
			print_script(&torture.w[i]);
}

// CPU time used by pid so far (0 if it is gone).
static u64 cpu_time(pid_t pid)
{
	struct task *t = task_find_get(pid);
	if (!t)
		return 0;
	u64 ns = task_cpu_time_ns(t);
	task_put(t);
	return ns;
}

// What ended scripts left running (and the injector's ended shells):
// init's children that are not workers. Killed as soon as seen, so that
// a script that spawned in a loop (`while :; do sh -c x & done`) does not
// leave the machine to its hundreds of children until the next check.
struct orphans {
	pid_t pids[64];
	int n;
};

static bool orphan_add(struct task *t, void *arg)
{
	struct orphans *o = arg;
	if (t->parent != init_task || (READ_ONCE(t->state) & (TASK_ZOMBIE | TASK_DEAD)) ||
	    o->n == (int)ARRAY_SIZE(o->pids))
		return true;
	for (int i = 0; i <= torture.nworkers; i++)
		if (torture.w[i].pid == t->pid)
			return true;
	o->pids[o->n++] = t->pid;
	return true;
}

static void kill_orphans(void)
{
	struct orphans o = {.n = 0};
	for_each_task(orphan_add, &o);
	for (int i = 0; i < o.n; i++)
		do_kill(o.pids[i], SIGKILL);
}

// Where a task that will not die runs: the CPU running it prints its own
// backtrace from a cross-CPU call (served even where interrupts are off:
// a spinlock's or a page move's wait), if it is running now.
static void print_if_current(void *arg)
{
	if (current && current->pid == (pid_t)(long)arg) {
		struct trap_frame *tf = this_cpu()->irq_frame; // what this call interrupted
		kprintf("torture:     where %d runs (cpu %d, preempt_count %d):\n",
			current->pid, smp_processor_id(), preempt_count());
		if (tf)
			backtrace_from(tf->rip, tf->rbp);
		else
			backtrace_from((u64)__builtin_return_address(0), (u64)__builtin_frame_address(0));
	}
}

static void show_where_it_runs(pid_t pid)
{
	struct task *t = task_find_get(pid);
	if (!t)
		return;
	int cpu = READ_ONCE(t->cpu);
	bool running = READ_ONCE(t->on_cpu);
	task_put(t);
	if (running) {
		smp_call_function_single(cpu, print_if_current, (void *)(long)pid, false);
		sleep_ns(200 * NSEC_PER_MSEC); // (for the print)
	}
}

// SIGKILL to the shell and everything below it, then wait (reaping the
// shell) until all are gone; false (a failure, reported) if one still
// runs SH_REAP_S after the kill, having had SH_RAN_MS of CPU since, or is
// there at all after SH_REAP_MAX_S (under a fork bomb a killed task may
// wait long for a CPU: that is load, not a task that cannot die). Once
// the shell has ended, the tasks it left (init's now) are found by the
// pids remembered while it ran: pids are not reused within seconds.
static bool kill_script(struct torture_worker *w, struct sh_tree *tr, bool shell_reaped, int *status)
{
	u64 start = clock_ns(), base[SH_TRACKED], root_base = cpu_time(tr->root);
	int killed = 0; // tr->pids[0..killed) have had their SIGKILL
	if (!shell_reaped)
		do_kill(tr->root, SIGKILL);
	for (;;) {
		if (!shell_reaped) // children it made since, while they are linked
			for_each_task(tree_add, tr);
		for (; killed < tr->n; killed++) {
			base[killed] = cpu_time(tr->pids[killed]);
			do_kill(tr->pids[killed], SIGKILL);
		}
		kill_orphans();
		if (!shell_reaped && do_waitpid(tr->root, status, WNOHANG) == tr->root)
			shell_reaped = true;
		bool left = !shell_reaped;
		u64 ran = shell_reaped ? 0 : cpu_time(tr->root) - root_base;
		for (int i = 0; i < tr->n; i++)
			if (alive(tr->pids[i])) {
				left = true;
				ran = MAX(ran, cpu_time(tr->pids[i]) - base[i]);
			}
		if (!left)
			return true;
		u64 waited = clock_ns() - start;
		if (waited > SH_REAP_MAX_S * NSEC_PER_SEC) {
			torture_fail(w, "a script's tasks are still there %d s after SIGKILL", SH_REAP_MAX_S);
			break;
		}
		if (waited > SH_REAP_S * NSEC_PER_SEC && ran > SH_RAN_MS * NSEC_PER_MSEC) {
			torture_fail(w, "a script's task ran %llu ms in the %d s after SIGKILL, and lives",
				     (unsigned long long)(ran / NSEC_PER_MSEC), SH_REAP_S);
			if (!shell_reaped)
				show_where_it_runs(tr->root);
			for (int i = 0; i < tr->n; i++)
				show_where_it_runs(tr->pids[i]);
			break;
		}
		sleep_ns(5 * NSEC_PER_MSEC);
	}
	if (atomic_read(&torture.failures) == 1)
		sched_dump(); // every CPU's task and every task's state, once
	torture_print_task("  its shell", tr->root);
	for (int i = 0; i < tr->n; i++)
		if (alive(tr->pids[i]))
			torture_print_task("  below it", tr->pids[i]);
	print_script(w);
	return false;
}

// The worker's fds 0-2 become /dev/null, which its scripts inherit.
void torture_sh_setup(struct torture_worker *w)
{
	int fd = sys_open("/dev/null", O_RDWR, 0);
	if (fd < 0) {
		kprintf("torture: worker %d: /dev/null: error %d\n", w->id, fd);
		return;
	}
	for (int i = 0; i < 3; i++)
		if (fd != i)
			sys_dup2(fd, i);
	if (fd > 2)
		sys_close(fd);
}

void torture_op_sh(struct torture_worker *w)
{
	char *text = scripts[w->id];
	size_t len = torture_sh_generate(w, text);
	const char *body = strchr(text, '\n') + 1; // after the cd line
	char path[32], dir[32];
	snprintf(dir, sizeof(dir), "/tmp/tsh_w%d", w->id);
	snprintf(path, sizeof(path), "/tmp/tsh_w%d.sh", w->id);
	sys_mkdir(dir, 0755); // (it may exist)
	int fd = sys_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	long r = fd < 0 ? fd : sys_write(fd, text, len);
	if (fd >= 0)
		sys_close(fd);
	if (r < 0) { // bc.numfiles.limit, say
		torture_record(w, OP_SH, (int)r, "(cannot write) %.60s", body);
		return;
	}
	u64 deadline_ms = SH_DEADLINE_MIN_MS + rnd(&w->rng, SH_DEADLINE_RANGE_MS);
	char *argv[] = {"sh", path, "a b", "c", NULL};
	char *envp[] = {"PATH=/", "HOME=/tmp", NULL};
	pid_t pid = sys_spawn("sh", argv, envp);
	// The ring shows the script while it runs: its result is the pid
	// until it ends, then its status (128+N killed by signal N), or
	// -ETIMEDOUT if the worker killed it.
	struct op_record *rec = torture_record(w, OP_SH, pid, "%.60s", body);
	if (pid < 0)
		return;
	WRITE_ONCE(w->sh_pid, pid);
	w->sh_run++;
	struct sh_tree tr = {.root = pid, .n = 0};
	u64 end = clock_ns() + deadline_ms * NSEC_PER_MSEC;
	int status = 0;
	bool reaped = false;
	for (int polls = 0;; polls++) {
		if (do_waitpid(pid, &status, WNOHANG) == pid) {
			reaped = true;
			break;
		}
		bool pause = READ_ONCE(torture.pause) || READ_ONCE(torture.done);
		if (pause || clock_ns() > end) {
			if (pause)
				w->sh_paused++;
			else
				w->sh_killed++;
			break;
		}
		for_each_task(tree_add, &tr);
		sleep_ns((polls < 20 ? 1 : 10) * NSEC_PER_MSEC);
	}
	if (reaped) {
		int code = (status & 0x7f) ? 128 + (status & 0x7f) : (status >> 8) & 0xff;
		w->sh_status[code & 0xff]++;
		rec->result = code;
	} else {
		rec->result = -ETIMEDOUT;
	}
	if (kill_script(w, &tr, reaped, &status))
		WRITE_ONCE(w->sh_pid, 0);
}
