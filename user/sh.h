// The shell's internal interface, shared by its files:
//   sh.c          entry point, input loop, variables, error messages
//   sh_edit.c     the console line editor and history
//   sh_complete.c Tab completion of command names and paths
//   sh_parse.c    lexer and parser: text becomes a tree of struct sh_node
//   sh_expand.c   word expansion: parameters, command substitution,
//                 arithmetic, field splitting, quote removal
//   sh_glob.c     patterns: matching (case, ${v#p}) and pathname expansion
//   sh_arith.c    $((...)): C's integer operators
//   sh_exec.c     running trees: commands, pipelines, redirections,
//                 subshells (see its top comment: there is no fork)
//   sh_forkshell.c a new sh task on a copy of this one's state: pipeline
//                 stages and background jobs that run at the same time
//   sh_jobs.c     background jobs; the console's foreground task
//   sh_signal.c   signals and traps: what the shell catches, trap actions
//   sh_builtin.c  the builtins (cd, echo, exit, export, wait, jobs, ...)
//   sh_builtin2.c more builtins (read, set, trap, type, umask, ...)
//   sh_test.c     test / [ (test_main, also usable as an app)
//   sh_printf.c   printf (printf_main)
//
// There is no fork, so everything the shell remembers lives in one struct sh
// allocated per shell instance; several shells run at once in the one
// address space. File descriptors 0-9 belong to the user (redirections may
// name only those); the shell's own descriptors (saved copies of 0-9 while
// a command runs, pipe ends) are kept at 10 and above.
#ifndef USER_SH_H
#define USER_SH_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "user/corral.h"

#define SH_LINE_MAX 4096 // longest input line from the console, in bytes
#define SH_HISTORY 100   // lines kept for the up/down arrows
#define SH_USER_FDS 10   // fds below this are the user's

// ---- growing strings ---------------------------------------------------
struct strbuf {
	char *s;
	size_t len, cap;
	int nomem;
};
void sb_addn(struct strbuf *b, const char *s, size_t n);
void sb_adds(struct strbuf *b, const char *s);
// v in single quotes, a ' in it as '\'' (how set, alias and trap print values).
void sh_quote_into(struct strbuf *b, const char *v);
void sb_addc(struct strbuf *b, char c);
char *sb_take(struct strbuf *b); // the string (never NULL unless nomem)

// ---- parsed form (sh_parse.c), allocated in a refcounted arena -----------
struct sh_arena;
struct sh;
enum sh_redir_kind {
	RD_IN,      // N<FILE
	RD_OUT,     // N>FILE and N>|FILE
	RD_APPEND,  // N>>FILE
	RD_RDWR,    // N<>FILE
	RD_DUPIN,   // N<&M, N<&-
	RD_DUPOUT,  // N>&M, N>&-
	RD_HEREDOC, // N<<WORD, N<<-WORD
};
struct sh_redir {
	int fd;
	enum sh_redir_kind kind;
	char *word;     // unexpanded target (the delimiter for a here-doc)
	char *heredoc;  // RD_HEREDOC: the body
	int quoted;     // RD_HEREDOC: the delimiter was quoted: no expansion
	struct sh_redir *next;
};
enum sh_node_type {
	N_CMD,      // words, redirs
	N_PIPE,     // kids (linked by next); bang: `!`
	N_ANDOR,    // kids, each kid->op joins it to the previous one
	N_LIST,     // kids; kid->bg: ends with &
	N_SUBSHELL, // body
	N_GROUP,    // body
	N_IF,       // cond, body, orelse (an N_IF for elif, or a list)
	N_WHILE,    // cond, body (until: until set)
	N_FOR,      // name, words (NULL: "$@"), body
	N_CASE,     // words[0], items
	N_FUNC,     // name, body
};
enum { OP_AND = 1, OP_OR = 2 };
struct sh_case_item {
	char **pats;
	int npats;
	struct sh_node *body; // may be NULL
	struct sh_case_item *next;
};
struct sh_node {
	enum sh_node_type type;
	int lineno;
	struct sh_node *next; // sibling in a list / pipeline / and-or
	int op;               // in an and-or: OP_AND or OP_OR before this one
	int bg;               // in a list: run in the background
	int bang;             // N_PIPE: !
	int until;            // N_WHILE: until
	char **words;
	int nwords, nassign; // N_CMD: the first nassign words are NAME=VALUE
	struct sh_redir *redirs;
	struct sh_node *cond, *body, *orelse, *kids;
	struct sh_case_item *items;
	char *name;
	const char *text; // the source text (for jobs and background runs)
	int textlen;
	struct sh_arena *arena;
};

// Parse status.
enum { SH_PARSE_OK, SH_PARSE_EOF, SH_PARSE_ERROR, SH_PARSE_INCOMPLETE };
struct sh_parser;
// A parser over text (copied): sh_parse_next parses one complete command
// (to the end of its line) into *out (NULL for an empty line).
struct sh_parser *sh_parser_new(struct sh *sh, const char *text, int lineno);
int sh_parse_next(struct sh_parser *p, struct sh_node **out);
int sh_parser_lineno(struct sh_parser *p);
// 1 if only blanks and comments are left after the command just parsed.
int sh_parser_at_end(struct sh_parser *p);
void sh_parser_free(struct sh_parser *p);
// After SH_PARSE_INCOMPLETE with no more text: "end of file unexpected".
void sh_parser_report_eof(struct sh_parser *p);
// Everything in text at once (eval, $(...), functions): NULL + status.
struct sh_node *sh_parse_all(struct sh *sh, const char *text, int lineno, int *status);
// Length of the $(...) body starting at s (just after "$("), up to its ')'.
// -1 if it does not end.
long sh_scan_subst(struct sh *sh, const char *s);
void sh_arena_get(struct sh_arena *a);
void sh_arena_put(struct sh_arena *a);

// ---- the shell's state ---------------------------------------------------
struct sh_var {
	char *name, *value; // value NULL: declared (export X) but unset
	int exported;
	int readonly;
};
struct sh_func {
	char *name;
	struct sh_node *body;
};
struct sh_local { // a variable saved by `local`, restored at return
	char *name, *value;
	int exported, was_set;
	struct sh_local *next;
};
struct sh_alias {
	char *name, *value;
};
struct sh_job {
	int id;
	pid_t *pids;
	int *live; // live[i]: pids[i] not yet reaped
	int npids;
	int status; // of the last pid, once reaped
	int stopped; // Ctrl-Z or SIGSTOP stopped it; fg/bg continue it
	char *text;
};
struct sh_editor {
	char *buf; // SH_LINE_MAX + 1 bytes
	int len, pos;
	int overflow; // more than SH_LINE_MAX bytes were typed
	int esc;      // escape-sequence state
	int esc_param;
	int last_tab;  // the previous key was Tab (a second one lists)
	int last_cr;  // the previous byte was '\r' (a following '\n' is part of it)
	char *history[SH_HISTORY]; // oldest first
	int nhistory;
	int hist_pos;   // -1: editing a new line, else an index into history
	char *stashed;  // the new line, while browsing history
	char ahead[256]; // typed while builtins ran (sh_check_interrupt)
	int nahead;      // bytes in ahead, replayed before reading the console
};
// Where execution jumps to (break, continue, return, exit): set by the
// builtin, obeyed by every loop of sh_exec.c on the way up.
// J_ABORT: an error at the prompt abandons the rest of the line.
enum sh_jump { J_NONE, J_BREAK, J_CONTINUE, J_RETURN, J_EXIT, J_ABORT };
#define SH_NSIG 32
struct sh {
	struct sh_var *vars;
	int nvars, capvars;
	struct sh_func *funcs;
	int nfuncs, capfuncs;
	struct sh_alias *aliases;
	int naliases;
	char **params; // $0, $1, ... (owned, from malloc)
	int nparams;
	int status;     // $?
	pid_t last_bg;  // $!, 0 if none
	pid_t pid;      // $$
	enum sh_jump jump;
	int jump_count;   // break/continue N: loops still to leave
	int loop_depth;   // loops running (break outside one is ignored)
	int func_depth;   // functions running
	int subshell;     // in-process subshells running
	struct sh_local *locals; // of the running functions, newest first
	int opt_e, opt_u, opt_x, opt_f, opt_n, opt_v, opt_C, opt_a;
	int no_errexit;   // >0: set -e is ignored (if/while conditions, && ...)
	int lineno;       // $LINENO: the command running
	int errors_fatal; // a syntax/expansion error ends the shell (scripts)
	int exit_requested;
	int syntax_error; // the last text did not parse
	int source_depth; // `source` calls running
	int eval_depth;   // expansions/commands nested (guards the stack)
	char *traps[SH_NSIG]; // trap action per signal; traps[0]: EXIT
	volatile unsigned sig_pending; // caught signals whose trap has not run
				       // (bit n: Linux's signal n; sh_signal.c)
	unsigned sig_hard_ignored; // ignored when the shell started: stay so
	unsigned sig_catching, sig_ignoring; // what the shell has set (sh_signal_sync)
	int in_trap;      // a trap action is running
	char *arg0;       // $0 and the prefix of messages
	char *stack_base; // address of a local of sh_main (stack guard)
	long stack_limit; // bytes of stack the guard lets the shell use
	unsigned long subst_seq; // names of temporary files
	int subst_count;  // command substitutions run (for $? after x=$(...))
	int subst_status; // the status of the last one
	int pipe_stage;   // >0: running an in-process stage of a pipeline
	int umask;        // Corral: the value umask reports (no mode bits)
	int interrupted;  // a Ctrl-C was seen while this line ran (prompt only)
	int console_fd;   // the prompt's console at a high fd (redirections move 0)
	int console_intr; // its Ctrl-C count when the foreground job began
	struct sh_job *jobs;
	int njobs, capjobs;
	int env_by_getenv; // the environment could not be listed: ask getenv()
	int interactive; // prompt and job notices
	int prompt_child; // a forkshell of the prompt: messages as the prompt's
	int forkshell;    // this shell is a forkshell (sh_forkshell.c)
	int sigpipe_exit; // a forkshell wrote into a closed pipe: it ends as a
			  // SIGPIPE death would, without its EXIT trap
	int editing;     // the console is ours, in raw mode, while reading
	struct sh_editor ed;
	// `sh -c`: the simple command busybox sh would exec, the last one of
	// the text (sh_exec_tail of the last complete command), while it runs.
	struct sh_node *exec_node;
};

// sh.c: variables.
const char *sh_var_get(struct sh *sh, const char *name);
int sh_var_set(struct sh *sh, const char *name, const char *value, int export);
int sh_var_unset(struct sh *sh, const char *name);
struct sh_var *sh_var_find(struct sh *sh, const char *name);
int sh_is_name(const char *s, size_t len);
// The length of the parameter name at s: a special one (@ * # ? - $ !),
// digits (braced: all of them, else one) or a NAME; 0 if none.
size_t sh_param_name_len(const char *s, size_t len, int braced);
char **sh_build_env(struct sh *sh, char **assigns, int nassigns);
int sh_env_inherited(struct sh *sh, int nassigns);
void sh_set_params(struct sh *sh, const char *arg0, char **args, int nargs);
void sh_free_params(struct sh *sh);
int sh_set_option(struct sh *sh, char c, int on); // 0, -1: no such option
// Stack guard: 0 if there is room for another level of nesting, else
// reports "nesting too deep" and returns -1.
int sh_stack_check(struct sh *sh);

// sh.c: output. Format and write(2) at once (no stdio buffering, so the
// error of a redirected write is seen at once). 0, or -1 + errno.
int sh_print(int fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
// A message as dash words it: "ARG0: LINENO: MESSAGE\n" (scripts) or
// "sh: MESSAGE\n" (the prompt).
void sh_msg(struct sh *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sh_write_all(int fd, const void *buf, size_t n);

// sh.c: run text (a script, `sh -c`, eval, source); the last status.
int sh_run_text(struct sh *sh, const char *text, int lineno);
char *sh_read_script(const char *path); // from malloc; NULL + errno
void sh_run_exit_trap(struct sh *sh);

// sh_edit.c: read a line from the console in raw mode into line
// (SH_LINE_MAX + 1 bytes). Returns SH_READ_LINE, SH_READ_EOF,
// SH_READ_TOO_LONG (reported and discarded) or SH_READ_INTERRUPT (Ctrl-C).
enum { SH_READ_EOF, SH_READ_LINE, SH_READ_TOO_LONG, SH_READ_INTERRUPT };
int sh_edit_read_line(struct sh *sh, const char *prompt, char *line);
void sh_edit_free(struct sh *sh);
// At the prompt, while the shell itself runs (a loop of builtins), the
// console is raw and Ctrl-C is only a byte: this takes what was typed
// (kept for the next prompt) and reports a Ctrl-C by abandoning the line
// (J_ABORT, status 130). Cheap enough for every loop iteration.
void sh_check_interrupt(struct sh *sh);
// sh_complete.c: Tab. What to insert at pos and/or a listing of the
// matches to print (both from malloc, or NULL); the number of matches.
int sh_complete(struct sh *sh, const char *buf, int pos, int again, char **insert,
		char **listing);

// sh_expand.c
// Expand words into fields (split, globbed): a NULL-terminated argv from
// malloc in *out and its count; -1 on an expansion error (reported).
int sh_expand_words(struct sh *sh, char **words, int nwords, char ***out, int *count);
// One word, no splitting or globbing (assignments, redirection targets,
// case subjects); NULL on an error (reported).
char *sh_expand_word(struct sh *sh, const char *word);
// A pattern: quoted characters come out backslash-escaped.
char *sh_expand_pattern(struct sh *sh, const char *word);
// A here-document body: $, ` and \ expand as inside double quotes.
char *sh_expand_heredoc(struct sh *sh, const char *body);
void sh_argv_free(char **argv);
const char *sh_ifs(struct sh *sh);
// Split s into fields at IFS (read): as the expansions do.
long long sh_arith(struct sh *sh, const char *expr, int *err);

// sh_glob.c
int sh_pattern_match(const char *pat, const char *s); // 1 on a match
int sh_pattern_has_magic(const char *pat);
// Pathname expansion of pattern into *fields (appended, sorted). Returns
// how many were added (0: nothing matched).
int sh_glob(const char *pat, char ***fields, int *n, int *cap);
char *sh_unescape(const char *pat); // drop the backslashes of a pattern

// sh_redir.c: file descriptors, redirections and in-process subshells.
struct sh_fd_saves {
	struct {
		int fd;
		int saved; // the shell's copy (>= SH_USER_FDS), -1: fd was closed
	} s[SH_USER_FDS];
	int n;
};
int sh_move_high(int fd); // fd moved to >= SH_USER_FDS (closing fd)
int sh_redirect_to(struct sh_fd_saves *saves, int fd, int src);
void sh_fd_restore(struct sh_fd_saves *saves);
// Apply a command's redirections (saves NULL: for good, as `exec` does).
// 0, or -1 after reporting.
int sh_apply_redirs(struct sh *sh, struct sh_fd_saves *saves, struct sh_redir *r);
// A temporary file at a high fd, open for reading and writing, already
// unlinked from /tmp... or -1 (reported).
int sh_temp_file(struct sh *sh);
struct sh_state; // what an in-process subshell restores
struct sh_state *sh_subshell_begin(struct sh *sh);
// Ends the subshell: runs its EXIT trap, restores the state, returns its
// exit status.
int sh_subshell_end(struct sh *sh, struct sh_state *st);
int sh_run_pipeline(struct sh *sh, struct sh_node *pipe);
int sh_run_background(struct sh *sh, struct sh_node *andor);
// Run cmd as a simple app command with fds in/out: the pid, or -1 if it
// is not an app command (then nothing ran).
pid_t sh_spawn_simple(struct sh *sh, struct sh_node *cmd, int *status);

// sh_forkshell.c: a new sh task that starts as a copy of this shell's state
// and runs node n with stdin in and stdout out (-1: the shell's own); its
// pid, or -1 (reported). flags: SH_FORKSHELL_STAGE for a pipeline stage
// (a write into a closed pipe ends it quietly), SH_FORKSHELL_BG_NOINT for
// a background job of a script (sh_bg_signals_begin: INT, QUIT ignored). state_path (or NULL) gets
// the name of the file that carries the state: the child unlinks it when it
// starts, the parent may unlink it once the child is reaped.
#define SH_FORKSHELL_STAGE 1
#define SH_FORKSHELL_BG_NOINT 2 // a background job started with INT and QUIT ignored
#define SH_FORKSHELL_PATH 64
#define SH_FORKSHELL_ARG "\001forkshell" // sh's hidden first argument
pid_t sh_forkshell(struct sh *sh, struct sh_node *n, int in, int out, int flags,
		   char state_path[SH_FORKSHELL_PATH]);
// Might n, or a function it could call, use one of fds 3-9 (which a
// forkshell does not get)? 1 if it names one in a redirection.
int sh_forkshell_wants_fds(struct sh *sh, struct sh_node *n);
// The child's side (sh.c calls it for `sh SH_FORKSHELL_ARG PATH`): its status.
int sh_forkshell_main(struct sh *sh, const char *path);

// sh_exec.c
int sh_exec(struct sh *sh, struct sh_node *n);
// The simple command busybox sh would exec if n were the last command of
// `sh -c` text (its EV_EXIT): n's last, if nothing is left to run after it
// in this shell; NULL if there is none (a background job, a pipeline, a
// compound command other than { } and ( ), where busybox would exec too).
struct sh_node *sh_exec_tail(struct sh_node *n);
// An error that ends a script (or abandons the line at the prompt).
void sh_fatal(struct sh *sh, int status);
int sh_run_line(struct sh *sh, const char *line);
// $(...) text: its output, trailing newlines removed (from malloc), or NULL.
char *sh_command_subst(struct sh *sh, const char *text, size_t len);
int sh_call_function(struct sh *sh, struct sh_func *f, int argc, char **argv);
struct sh_func *sh_func_find(struct sh *sh, const char *name);
int sh_func_define(struct sh *sh, const char *name, struct sh_node *body);
void sh_func_unset(struct sh *sh, const char *name);
// Run text in an in-process subshell: nothing it changes leaks out.
int sh_subshell_text(struct sh *sh, const char *text);
int sh_exec_script_file(struct sh *sh, const char *path, int argc, char **argv);
// Lookup, as `type` and `command -v` describe it.
enum { CMD_NONE, CMD_FUNC, CMD_SPECIAL, CMD_BUILTIN, CMD_APP, CMD_PATH, CMD_ALIAS, CMD_KEYWORD };
int sh_command_kind(struct sh *sh, const char *name);

// sh_jobs.c
int sh_wait_status(int wstatus); // a wait status as an exit status
// waitpid() for one child: its exit status, or -1 if it is not our child.
int sh_wait_pid(pid_t pid, int *wstatus);
// The same for a foreground child of the prompt: a child that stops
// (Ctrl-Z) returns SH_STOPPED instead (only an interactive shell does job
// control).
#define SH_STOPPED (-2)
// The kernel's job-control signals (user/corral.h: Linux's numbers, not
// newlib's).
#define SH_SIGCONT CORRAL_SIGCONT
#define SH_SIGSTOP CORRAL_SIGSTOP
#define SH_SIGTSTP CORRAL_SIGTSTP
int sh_wait_fg(struct sh *sh, pid_t pid, int *wstatus);
// A foreground job stopped: remember it as a stopped job and say so.
void sh_job_stopped(struct sh *sh, const pid_t *pids, int npids, const char *text);
// Around a foreground job: begin (it gets Ctrl-C; the console cooked),
// end (raw again for the editor). sh_spawn_job spawns an app as the
// foreground job and begins it, cooking the console *before* the spawn,
// so that a mode the job sets itself (top's raw keys) is not undone; -1
// with errno if the spawn fails (nothing begun). The caller waits for it,
// then ends it.
void sh_console_job_begin(struct sh *sh, pid_t fg);
void sh_console_job_end(struct sh *sh);
pid_t sh_spawn_job(struct sh *sh, const char *app, char **argv, char **envp);
int sh_job_add(struct sh *sh, const pid_t *pids, int npids, const char *text,
	       size_t len);
void sh_jobs_poll(struct sh *sh, int report);
int sh_job_poll(struct sh_job *job); // reap without blocking; 1 when done
int sh_job_wait(struct sh *sh, struct sh_job *job);
struct sh_job *sh_job_find_pid(struct sh *sh, pid_t pid);
struct sh_job *sh_job_find_id(struct sh *sh, int id);
void sh_job_remove(struct sh *sh, struct sh_job *job);
const char *sh_job_state(const struct sh_job *job, char *buf, size_t n);
int sh_jobs_kill_args(struct sh *sh, char ***argv, int *argc);

// sh_signal.c: signals and traps (see its top comment).
int sh_signal_catchable(int sig);   // a signal `trap` can act on (Linux's number)
void sh_signals_init(struct sh *sh); // at start: notes what was ignored
void sh_signal_sync(struct sh *sh, int sig); // dispositions from traps[sig]
void sh_signal_sync_all(struct sh *sh);
// Between commands: run the actions of the trapped signals that came.
void sh_run_traps(struct sh *sh);
// For `wait`: a signal that ends it (trapped, or an interactive shell's
// Ctrl-C), or 0.
int sh_wait_interrupted(struct sh *sh);
// A foreground command died of SIGINT (a Ctrl-C the shell did not see):
// do what the shell would have done had it got the signal too.
void sh_child_interrupted(struct sh *sh);
// Around spawning a background job: without job control (a script), the
// job starts with SIGINT and SIGQUIT ignored, as POSIX asks.
struct sh_bg_signals {
	int active;
	sigset_t mask;
	struct sigaction act[2];
};
void sh_bg_signals_begin(struct sh *sh, struct sh_bg_signals *b);
void sh_bg_signals_end(struct sh *sh, struct sh_bg_signals *b);
// The `wait` builtin's wait for job: the console's Ctrl-C goes to the
// shell, not the job. The job's status, or -SIG if a signal ended the
// wait (the job is left running).
int sh_job_wait_interruptible(struct sh *sh, struct sh_job *job);

// sh_builtin.c
typedef int (*sh_builtin_fn)(struct sh *sh, int argc, char **argv);
struct sh_builtin {
	const char *name;
	sh_builtin_fn fn;
	const char *help;
	int special; // POSIX special builtin: assignments before it stay
};
const struct sh_builtin *sh_builtin_find(const char *name);
// Runs a builtin (`NAME --help` prints its help line); its exit status.
int sh_builtin_run(struct sh *sh, const struct sh_builtin *b, int argc, char **argv);
const struct sh_builtin *sh_builtins(int *count);
// sh_builtin2.c: the second table.
extern const struct sh_builtin sh_builtins2[];
extern const int sh_nbuiltins2;
int sh_parse_int(const char *s, long long *v); // 0 if s is a whole integer
size_t sh_format_int(char *buf, long long v); // decimal into buf (21+ bytes): its length
// A decimal number without a leading 0, up to 18 digits, at s ([+-]digits):
// its end and *v, or NULL (then strtoll must read it).
const char *sh_scan_decimal(const char *s, long long *v);

// sh_test.c, sh_printf.c: the logic of test/[ and printf (argv[0] is the
// name; messages name prog).
int test_main(int argc, char **argv);
int printf_main(int argc, char **argv);
int sh_test_builtin(struct sh *sh, int argc, char **argv);
int sh_printf_builtin(struct sh *sh, int argc, char **argv);

#endif
