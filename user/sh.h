// The shell's internal interface, shared by its files:
//   sh.c          entry point, input loop, variables, the shell's state
//   sh_edit.c     the console line editor and history
//   sh_parse.c    lexer and parser: a line becomes a struct sh_list
//   sh_expand.c   word expansion: quotes, $NAME, field splitting
//   sh_exec.c     running lists, pipelines and redirections
//   sh_jobs.c     background jobs; the console's foreground task
//   sh_builtin.c  the builtins (cd, echo, exit, export, wait, jobs, ...)
//
// There is no fork, so everything the shell remembers lives in one struct sh
// allocated per shell instance; several shells run at once in the one
// address space. File descriptors 0-9 belong to the user (redirections may
// name only those); the shell's own descriptors (saved copies of 0-2 while
// a command runs, pipe ends) are kept at 10 and above.
#ifndef USER_SH_H
#define USER_SH_H

#include <stddef.h>
#include <sys/types.h>

#define SH_LINE_MAX 4096 // longest input line, in bytes
#define SH_HISTORY 100   // lines kept for the up/down arrows
#define SH_USER_FDS 10   // fds below this are the user's

// ---- parsed form of one line (owned by its struct sh_list) ------------
enum sh_redir_kind {
	RD_IN,     // N<FILE
	RD_OUT,    // N>FILE
	RD_APPEND, // N>>FILE
	RD_RDWR,   // N<>FILE
	RD_DUP,    // N>&M, N<&M, N>&- (word is "M" or "-"), >&FILE
	RD_BOTH,   // &>FILE: stdout and stderr
};
struct sh_redir {
	int fd;
	enum sh_redir_kind kind;
	char *word; // unexpanded target
	struct sh_redir *next;
};
struct sh_cmd {
	char **words; // unexpanded, including leading NAME=VALUE assignments
	int nwords;
	struct sh_redir *redirs; // in source order
};
struct sh_pipeline {
	struct sh_cmd *cmds;
	int ncmds;
};
enum sh_andor_op { OP_AND = 1, OP_OR = 2 };
struct sh_andor {
	struct sh_pipeline *pipes;
	int *ops; // ops[i] joins pipes[i] and pipes[i+1]
	int npipes;
	int background;
	int start, end; // its source text, for jobs and `sh -c`
};
struct sh_list {
	struct sh_andor *items;
	int nitems;
	char *text;         // a copy of the line
	struct sh_chunk *arena; // everything above is allocated here
};

// ---- the shell's state ---------------------------------------------------
struct sh_var {
	char *name, *value;
	int exported;
};
struct sh_job {
	int id;
	pid_t *pids;
	int *live; // live[i]: pids[i] not yet reaped
	int npids;
	int status; // of the last pid, once reaped
	char *text;
};
struct sh_editor {
	char *buf; // SH_LINE_MAX + 1 bytes
	int len, pos;
	int overflow; // more than SH_LINE_MAX bytes were typed
	int esc;      // escape-sequence state
	int esc_param;
	int last_cr;  // the previous byte was '\r' (a following '\n' is part of it)
	char *history[SH_HISTORY]; // oldest first
	int nhistory;
	int hist_pos;   // -1: editing a new line, else an index into history
	char *stashed;  // the new line, while browsing history
};
struct sh {
	struct sh_var *vars;
	int nvars, capvars;
	char **params; // $0, $1, ...
	int nparams;
	int status;     // $?
	pid_t last_bg;  // $!, 0 if none
	int exit_requested;
	int syntax_error; // the last line did not parse
	int source_depth; // `source` calls running
	struct sh_job *jobs;
	int njobs, capjobs;
	int env_by_getenv; // the environment could not be listed: ask getenv()
	int interactive; // prompt and job notices
	int editing;     // the console is ours, in raw mode, while reading
	struct sh_editor ed;
};

// sh.c: variables.
const char *sh_var_get(struct sh *sh, const char *name);
int sh_var_set(struct sh *sh, const char *name, const char *value, int export);
int sh_var_unset(struct sh *sh, const char *name);
int sh_is_name(const char *s, size_t len);
char **sh_build_env(struct sh *sh, char **assigns, int nassigns);
int sh_env_inherited(struct sh *sh, int nassigns);

// sh.c: output. Format and write(2) at once (no stdio buffering, so the
// error of a redirected write is seen at once). 0, or -1 + errno.
int sh_print(int fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int sh_write_all(int fd, const void *buf, size_t n);

// sh.c: run each line of a script or `sh -c` text; the last status.
int sh_run_text(struct sh *sh, const char *text);
char *sh_read_script(const char *path); // from malloc; NULL + errno

// sh_edit.c: read a line from the console in raw mode into line
// (SH_LINE_MAX + 1 bytes). Returns SH_READ_LINE, SH_READ_EOF,
// SH_READ_TOO_LONG (reported and discarded) or SH_READ_INTERRUPT (Ctrl-C).
enum { SH_READ_EOF, SH_READ_LINE, SH_READ_TOO_LONG, SH_READ_INTERRUPT };
int sh_edit_read_line(struct sh *sh, const char *prompt, char *line);
void sh_edit_free(struct sh *sh);

// sh_parse.c: NULL on a syntax error (reported) or no memory (errno set).
struct sh_list *sh_parse(const char *line, int *syntax_error);
void sh_list_free(struct sh_list *list);

// sh_expand.c: a NULL-terminated argv from malloc, or NULL + ENOMEM.
char **sh_expand_words(struct sh *sh, char **words, int nwords, int *count);
char *sh_expand_word(struct sh *sh, const char *word); // no splitting
void sh_argv_free(char **argv);

// sh_exec.c
int sh_run_line(struct sh *sh, const char *line);
int sh_run_list(struct sh *sh, struct sh_list *list);

// sh_jobs.c
int sh_wait_status(int wstatus); // a wait status as an exit status
// waitpid() for one child: its exit status, or -1 if it is not our child.
int sh_wait_pid(pid_t pid, int *wstatus);
void sh_console_job_begin(struct sh *sh, pid_t fg);
void sh_console_job_end(struct sh *sh);
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

// sh_builtin.c
typedef int (*sh_builtin_fn)(struct sh *sh, int argc, char **argv);
struct sh_builtin {
	const char *name;
	sh_builtin_fn fn;
	const char *help;
};
const struct sh_builtin *sh_builtin_find(const char *name);
// Runs a builtin (`NAME --help` prints its help line); its exit status.
int sh_builtin_run(struct sh *sh, const struct sh_builtin *b, int argc, char **argv);
const struct sh_builtin *sh_builtins(int *count);

#endif
