// The forkshell: a new `sh` task that starts as a copy of this shell and
// runs one command node -- what fork() gives dash, built on spawn() (the
// idea is busybox-w32 ash's, a fork-less ash on Windows).
//
//   sh_forkshell(sh, node, in, out, flags, path)  parent: start it, its pid
//   sh_forkshell_main(sh, path)          child: load the state, run, status
//   sh_forkshell_wants_fds(sh, node)     might node use fds 3-9? (see Limits)
//
// How the state travels. spawn() copies argv and envp and nothing else, and
// a child inherits only fds 0-2 (those the command should have). So the
// parent writes the state into a new file /tmp/.shfsPID.N (O_EXCL, 0600)
// and starts `sh \001forkshell PATH`: a first argument with a control
// character nobody types, not listed in the usage, and invisible in ps
// (tasks keep no argv). The child opens the file, unlinks it at once, and
// reads it; the parent unlinks it too if the spawn fails, and once it has
// reaped a pipeline stage (killed before it opened the file, by a Ctrl-C,
// the stage would leave it behind).
//
// The state is a byte stream of numbers ("123 ") and strings ("LEN BYTES",
// "-1 " for none): $?, $$ (the parent's: POSIX's $$ in a subshell), $!,
// umask, the function and loop depths (return, break and continue end the
// forkshell as they end a dash subshell), a stage flag, options,
// $0 and the positional parameters, every variable with its export and
// readonly flags, the traps a subshell keeps (ignored signals), aliases,
// each function as text, and the command as text. Texts come from a
// printer of the tree (below), not from the source: aliases are already
// expanded in it, here-documents are kept with their bodies, and it pads
// with newlines so that every command keeps its line number (messages
// say `t.sh: 3: ...` as the parent's would). The child parses them with
// aliases off (they were expanded once already), then runs the command.
//
// Costs (bench: sh_forkshell_us): a spawn of sh, the printing of every
// function, a file in /tmp written and read, and the parse in the child.
//
// Limits: the child has fds 0-2 only (spawn gives no more). When one of
// fds 3-9 is open and a stage may use it (sh_forkshell_wants_fds: a
// redirection naming it in the stage or in any function), sh_redir.c keeps
// the pipeline in-process.
#include "user/sh.h"
#include "user/corral.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// ---- printing a tree as text that parses back into the same tree ----------

struct printer {
	struct sh *sh;
	struct strbuf b;
	int line; // the line the text is at now (padding keeps linenos)
	struct sh_redir **pending; // here-documents whose bodies come at the next newline
	int npending, cappending;
	int ended_bg; // a list just ended with " &" (no ";" may follow)
	int failed;
};

static void pr_heredoc_delim(struct sh_redir *r, char *delim, size_t n)
{
	// A delimiter that is no line of the body.
	for (unsigned k = 0;; k++) {
		snprintf(delim, n, "SH_EOF_%u", k);
		size_t dl = strlen(delim);
		const char *s = r->heredoc ? r->heredoc : "";
		int found = 0;
		while (*s && !found) {
			const char *e = strchr(s, '\n');
			size_t l = e ? (size_t)(e - s) : strlen(s);
			found = l == dl && strncmp(s, delim, dl) == 0;
			s += l + (e ? 1 : 0);
		}
		if (!found)
			return;
	}
}

// Text that may hold newlines (a quoted word, a $(...) body).
static void pr_text(struct printer *pr, const char *s)
{
	sb_adds(&pr->b, s);
	for (; *s; s++)
		pr->line += *s == '\n';
}

// A newline, and the bodies of the here-documents waiting for one.
static void pr_newline(struct printer *pr)
{
	sb_addc(&pr->b, '\n');
	pr->line++;
	for (int i = 0; i < pr->npending; i++) {
		struct sh_redir *r = pr->pending[i];
		char delim[32];
		pr_heredoc_delim(r, delim, sizeof(delim));
		const char *body = r->heredoc ? r->heredoc : "";
		sb_adds(&pr->b, body);
		for (const char *s = body; *s; s++)
			pr->line += *s == '\n';
		sb_adds(&pr->b, delim);
		sb_addc(&pr->b, '\n');
		pr->line++;
	}
	pr->npending = 0;
}

// Where the grammar allows a newline: as many as bring the text to lineno.
static void pr_pad(struct printer *pr, int lineno)
{
	if (pr->npending && pr->line < lineno)
		pr_newline(pr);
	while (pr->line < lineno)
		pr_newline(pr);
}

// Between two commands of a list (or before the word that closes it).
static void pr_separator(struct printer *pr, int bg, int next_lineno)
{
	if (bg)
		sb_adds(&pr->b, " &");
	bg |= pr->ended_bg;
	pr->ended_bg = 0;
	if (pr->npending || next_lineno > pr->line)
		pr_newline(pr);
	else
		sb_adds(&pr->b, bg ? " " : "; ");
}

// | && ||: a newline may follow (and must, for a here-document's body).
static void pr_operator(struct printer *pr, const char *op)
{
	sb_adds(&pr->b, op);
	if (pr->npending)
		pr_newline(pr);
	else
		sb_addc(&pr->b, ' ');
}

static void pr_redirs(struct printer *pr, struct sh_redir *r)
{
	static const char *const ops[] = {
		[RD_IN] = "<", [RD_OUT] = ">", [RD_APPEND] = ">>", [RD_RDWR] = "<>",
		[RD_DUPIN] = "<&", [RD_DUPOUT] = ">&", [RD_HEREDOC] = "<<",
	};
	for (; r; r = r->next) {
		char head[16];
		snprintf(head, sizeof(head), " %d%s", r->fd, ops[r->kind]);
		sb_adds(&pr->b, head);
		if (r->kind != RD_HEREDOC) {
			pr_text(pr, r->word);
			continue;
		}
		char delim[32];
		pr_heredoc_delim(r, delim, sizeof(delim));
		if (r->quoted)
			sb_addc(&pr->b, '\'');
		sb_adds(&pr->b, delim);
		if (r->quoted)
			sb_addc(&pr->b, '\'');
		if (pr->npending == pr->cappending) {
			int cap = pr->cappending ? pr->cappending * 2 : 4;
			struct sh_redir **p = realloc(pr->pending, sizeof(*p) * (size_t)cap);
			if (!p) {
				pr->failed = 1;
				continue;
			}
			pr->pending = p;
			pr->cappending = cap;
		}
		pr->pending[pr->npending++] = r;
	}
}

static void pr_node(struct printer *pr, struct sh_node *n);

// A list as the body of a compound command: its commands, then a
// separator before the closing word.
static void pr_body(struct printer *pr, struct sh_node *n)
{
	pr_node(pr, n);
	pr_separator(pr, 0, 0);
}

static void pr_words(struct printer *pr, char **words, int n)
{
	for (int i = 0; i < n; i++) {
		sb_addc(&pr->b, ' ');
		pr_text(pr, words[i]);
	}
}

static void pr_compound(struct printer *pr, struct sh_node *n)
{
	switch (n->type) {
	case N_SUBSHELL:
		sb_adds(&pr->b, "( ");
		pr_body(pr, n->body);
		sb_adds(&pr->b, ")");
		break;
	case N_GROUP:
		sb_adds(&pr->b, "{ ");
		pr_body(pr, n->body);
		sb_adds(&pr->b, "}");
		break;
	case N_IF:
		sb_adds(&pr->b, "if ");
		pr_body(pr, n->cond);
		sb_adds(&pr->b, "then ");
		pr_body(pr, n->body);
		if (n->orelse) {
			sb_adds(&pr->b, "else ");
			pr_body(pr, n->orelse);
		}
		sb_adds(&pr->b, "fi");
		break;
	case N_WHILE:
		sb_adds(&pr->b, n->until ? "until " : "while ");
		pr_body(pr, n->cond);
		sb_adds(&pr->b, "do ");
		pr_body(pr, n->body);
		sb_adds(&pr->b, "done");
		break;
	case N_FOR:
		sb_adds(&pr->b, "for ");
		sb_adds(&pr->b, n->name);
		if (n->words) {
			sb_adds(&pr->b, " in");
			pr_words(pr, n->words, n->nwords);
		}
		pr_separator(pr, 0, 0);
		sb_adds(&pr->b, "do ");
		pr_body(pr, n->body);
		sb_adds(&pr->b, "done");
		break;
	case N_CASE:
		sb_adds(&pr->b, "case ");
		pr_text(pr, n->words[0]);
		sb_adds(&pr->b, " in");
		for (struct sh_case_item *it = n->items; it; it = it->next) {
			sb_adds(&pr->b, " (");
			for (int i = 0; i < it->npats; i++) {
				if (i)
					sb_addc(&pr->b, '|');
				pr_text(pr, it->pats[i]);
			}
			sb_adds(&pr->b, ") ");
			if (it->body)
				pr_node(pr, it->body);
			if (pr->npending)
				pr_newline(pr);
			sb_adds(&pr->b, " ;;");
		}
		sb_adds(&pr->b, " esac");
		break;
	default:
		break;
	}
	pr_redirs(pr, n->redirs);
}

static void pr_node(struct printer *pr, struct sh_node *n)
{
	if (sh_stack_check(pr->sh) < 0) {
		pr->failed = 1;
		return;
	}
	switch (n->type) {
	case N_LIST:
		for (struct sh_node *k = n->kids; k; k = k->next) {
			pr_node(pr, k);
			if (k->next)
				pr_separator(pr, k->bg, k->next->lineno);
			else if (k->bg) {
				sb_adds(&pr->b, " &");
				pr->ended_bg = 1;
			}
		}
		break;
	case N_ANDOR:
		for (struct sh_node *k = n->kids; k; k = k->next) {
			if (k != n->kids)
				pr_operator(pr, k->op == OP_AND ? " &&" : " ||");
			pr_node(pr, k);
		}
		break;
	case N_PIPE:
		if (n->bang) {
			pr_pad(pr, n->kids->lineno); // (no newline may follow the !)
			sb_adds(&pr->b, "! ");
		}
		for (struct sh_node *k = n->kids; k; k = k->next) {
			if (k != n->kids)
				pr_operator(pr, " |");
			pr_node(pr, k);
		}
		break;
	case N_CMD:
		pr_pad(pr, n->lineno);
		for (int i = 0; i < n->nwords; i++) {
			if (i)
				sb_addc(&pr->b, ' ');
			pr_text(pr, n->words[i]);
		}
		pr_redirs(pr, n->redirs);
		break;
	case N_FUNC:
		pr_pad(pr, n->lineno);
		sb_adds(&pr->b, n->name);
		sb_adds(&pr->b, "() ");
		pr_node(pr, n->body);
		break;
	default:
		pr_pad(pr, n->lineno);
		pr_compound(pr, n);
		break;
	}
}

// n as text starting at line *lineno (from malloc), or NULL.
static char *print_tree(struct sh *sh, struct sh_node *n, int *lineno)
{
	struct printer pr = {.sh = sh, .line = n->lineno > 0 ? n->lineno : 1};
	*lineno = pr.line;
	pr_node(&pr, n);
	pr_newline(&pr);
	free(pr.pending);
	char *s = sb_take(&pr.b);
	if (pr.failed) {
		free(s);
		return NULL;
	}
	return s;
}

// A function's definition as text.
static char *print_function(struct sh *sh, struct sh_func *f, int *lineno)
{
	struct sh_node fn = {.type = N_FUNC, .name = f->name, .body = f->body,
			     .lineno = f->body->lineno};
	return print_tree(sh, &fn, lineno);
}

// ---- does a tree use fds 3-9? ---------------------------------------------

// Text that may redirect from or to fd 3-9: "3>", "9<", ">&4", "<&$fd" (in
// a $(...), a here-document or an eval string too; a quoted "3>" counts,
// which only costs a forkshell its place).
static int text_mentions_fds(const char *text)
{
	for (const char *s = text; s && *s; s++) {
		if (*s != '<' && *s != '>')
			continue;
		if (s > text && s[-1] >= '3' && s[-1] <= '9')
			return 1; // 3> 9<
		if (s[1] == '&' && !strchr("012-", s[2]))
			return 1; // >&4 <&$fd >&"5"
	}
	return 0;
}

static int tree_mentions_fds(struct sh *sh, struct sh_node *n)
{
	if (sh_stack_check(sh) < 0)
		return 1; // (cannot tell: say yes)
	for (; n; n = n->next) {
		for (struct sh_redir *r = n->redirs; r; r = r->next)
			if (r->fd >= 3 || text_mentions_fds(r->heredoc) ||
			    ((r->kind == RD_DUPIN || r->kind == RD_DUPOUT) &&
			     strcmp(r->word, "0") && strcmp(r->word, "1") && strcmp(r->word, "2") &&
			     strcmp(r->word, "-")))
				return 1;
		for (int i = 0; i < n->nwords; i++)
			if (text_mentions_fds(n->words[i]))
				return 1;
		for (struct sh_case_item *it = n->items; it; it = it->next)
			if (tree_mentions_fds(sh, it->body))
				return 1;
		if (tree_mentions_fds(sh, n->cond) || tree_mentions_fds(sh, n->body) ||
		    tree_mentions_fds(sh, n->orelse) || tree_mentions_fds(sh, n->kids))
			return 1;
	}
	return 0;
}

int sh_forkshell_wants_fds(struct sh *sh, struct sh_node *n)
{
	if (tree_mentions_fds(sh, n))
		return 1;
	for (int i = 0; i < sh->nfuncs; i++)
		if (tree_mentions_fds(sh, sh->funcs[i].body))
			return 1;
	return 0;
}

// ---- the state, written and read -------------------------------------------

static void put_num(struct strbuf *b, long v)
{
	char s[24];
	snprintf(s, sizeof(s), "%ld ", v);
	sb_adds(b, s);
}

static void put_str(struct strbuf *b, const char *s)
{
	if (!s) {
		sb_adds(b, "-1 ");
		return;
	}
	put_num(b, (long)strlen(s));
	sb_adds(b, s);
}

struct reader {
	const char *s, *end;
	int bad;
};

static long get_num(struct reader *r)
{
	char *e;
	long v = strtol(r->s, &e, 10);
	if (e == r->s || e >= r->end || *e != ' ') {
		r->bad = 1;
		return 0;
	}
	r->s = e + 1;
	return v;
}

// The next string (from malloc) or NULL (a NULL was written, or bad).
static char *get_str(struct reader *r)
{
	long n = get_num(r);
	if (r->bad || n < 0)
		return NULL;
	if (n > r->end - r->s) {
		r->bad = 1;
		return NULL;
	}
	char *s = malloc((size_t)n + 1);
	if (!s) {
		r->bad = 1;
		return NULL;
	}
	memcpy(s, r->s, (size_t)n);
	s[n] = '\0';
	r->s += n;
	return s;
}

// The eight `set` options, in the order the state lists them.
static void option_fields(struct sh *sh, int *opts[8])
{
	int *o[8] = {&sh->opt_e, &sh->opt_u, &sh->opt_x, &sh->opt_f, &sh->opt_n, &sh->opt_v,
		     &sh->opt_C, &sh->opt_a};
	memcpy(opts, o, sizeof(o));
}

static char *state_write(struct sh *sh, struct sh_node *n, int flags, size_t *len)
{
	struct strbuf b = {0};
	sb_adds(&b, "SHFS1 ");
	put_num(&b, sh->status);
	put_num(&b, sh->pid);
	put_num(&b, sh->last_bg);
	put_num(&b, sh->umask);
	put_num(&b, sh->func_depth);
	put_num(&b, sh->loop_depth);
	put_num(&b, flags);
	put_num(&b, sh->interactive || sh->prompt_child);
	put_num(&b, sh->sig_hard_ignored);
	int *opts[8];
	option_fields(sh, opts);
	for (int i = 0; i < 8; i++)
		put_num(&b, *opts[i]);
	put_str(&b, sh->arg0);
	put_num(&b, sh->nparams);
	for (int i = 1; i < sh->nparams; i++)
		put_str(&b, sh->params[i]);
	put_num(&b, sh->nvars);
	for (int i = 0; i < sh->nvars; i++) {
		put_str(&b, sh->vars[i].name);
		put_str(&b, sh->vars[i].value);
		put_num(&b, sh->vars[i].exported | sh->vars[i].readonly << 1);
	}
	// A subshell keeps the signals it ignores; EXIT and the others reset.
	for (int i = 1; i < SH_NSIG; i++)
		if (sh->traps[i] && !sh->traps[i][0])
			put_num(&b, i);
	put_num(&b, 0);
	put_num(&b, sh->naliases);
	for (int i = 0; i < sh->naliases; i++) {
		put_str(&b, sh->aliases[i].name);
		put_str(&b, sh->aliases[i].value);
	}
	put_num(&b, sh->nfuncs);
	int failed = 0;
	for (int i = 0; i < sh->nfuncs; i++) {
		int line;
		char *text = print_function(sh, &sh->funcs[i], &line);
		failed |= !text;
		put_num(&b, line);
		put_str(&b, text ? text : "");
		free(text);
	}
	int line;
	char *text = print_tree(sh, n, &line);
	failed |= !text;
	put_num(&b, line);
	put_str(&b, text ? text : "");
	free(text);
	if (failed || b.nomem) {
		free(b.s);
		return NULL;
	}
	*len = b.len;
	return b.s;
}

// Text parsed (aliases off: the printer wrote them expanded) and run.
static void run_printed(struct sh *sh, const char *text, int lineno)
{
	int naliases = sh->naliases;
	sh->naliases = 0;
	int st;
	struct sh_node *tree = sh_parse_all(sh, text, lineno, &st);
	sh->naliases = naliases;
	if (st == SH_PARSE_ERROR) {
		sh_fatal(sh, 2);
		return;
	}
	if (tree) {
		sh_exec(sh, tree);
		sh_arena_put(tree->arena);
	}
}

static void vars_clear(struct sh *sh)
{
	for (int i = 0; i < sh->nvars; i++) {
		free(sh->vars[i].name);
		free(sh->vars[i].value);
	}
	sh->nvars = 0;
}

static int state_read(struct sh *sh, struct reader *r)
{
	if (r->end - r->s < 6 || strncmp(r->s, "SHFS1 ", 6) != 0)
		return -1;
	r->s += 6;
	sh->status = (int)get_num(r);
	sh->pid = (pid_t)get_num(r);
	sh->last_bg = (pid_t)get_num(r);
	sh->umask = (int)get_num(r);
	// (return, break and continue inside end the forkshell, as they end
	// a subshell in dash)
	sh->func_depth = (int)get_num(r);
	sh->loop_depth = (int)get_num(r);
	long flags = get_num(r);
	sh->pipe_stage = (flags & SH_FORKSHELL_STAGE) != 0;
	sh->prompt_child = (int)get_num(r);
	// Signals ignored when the parent started stay ignored whatever a trap
	// says; those it ignores by `trap ''` (which this shell found ignored
	// at its start too) are ordinary ignores here, as in a dash subshell,
	// and so are INT and QUIT for a background job of a script -- unless
	// they were the parent's hard ones.
	unsigned hard = (unsigned)get_num(r);
	if (flags & SH_FORKSHELL_BG_NOINT)
		hard |= 1u << 2 | 1u << 3; // SIGINT, SIGQUIT
	sh->sig_hard_ignored &= hard;
	int opts_read[8];
	for (int i = 0; i < 8; i++)
		opts_read[i] = (int)get_num(r);
	char *arg0 = get_str(r);
	if (arg0) {
		free(sh->arg0);
		sh->arg0 = arg0;
	}
	long nparams = get_num(r);
	if (r->bad || nparams < 1)
		return -1;
	char **params = calloc((size_t)nparams + 1, sizeof(char *));
	if (!params)
		return -1;
	for (long i = 1; i < nparams; i++)
		if (!(params[i] = get_str(r)))
			r->bad = 1;
	sh_free_params(sh);
	sh->params = params;
	sh->nparams = (int)nparams;
	vars_clear(sh);
	for (long i = 0, nvars = get_num(r); !r->bad && i < nvars; i++) {
		char *name = get_str(r), *value = get_str(r);
		long fl = get_num(r);
		if (name && (value ? sh_var_set(sh, name, value, 0) : sh_var_set(sh, name, "", 0)) < 0)
			r->bad = 1;
		struct sh_var *v = name ? sh_var_find(sh, name) : NULL;
		if (v) {
			if (!value) { // declared, not set
				free(v->value);
				v->value = NULL;
			}
			v->exported = (int)(fl & 1);
			v->readonly = (int)(fl >> 1 & 1);
		}
		free(name);
		free(value);
	}
	for (long sig; !r->bad && (sig = get_num(r)) > 0;)
		if (sig < SH_NSIG && !sh->traps[sig])
			sh->traps[sig] = strdup("");
	for (long i = 0, n = get_num(r); !r->bad && i < n; i++) {
		char *name = get_str(r), *value = get_str(r);
		struct sh_alias *a = realloc(sh->aliases, sizeof(*a) * (size_t)(sh->naliases + 1));
		if (!a || !name || !value) {
			free(name);
			free(value);
			r->bad = 1;
			break;
		}
		sh->aliases = a;
		a[sh->naliases++] = (struct sh_alias){name, value};
	}
	for (long i = 0, n = get_num(r); !r->bad && i < n; i++) {
		int line = (int)get_num(r);
		char *text = get_str(r);
		if (text)
			run_printed(sh, text, line);
		free(text);
		if (!text || sh->jump)
			r->bad = 1;
	}
	int *opts[8];
	option_fields(sh, opts);
	for (int i = 0; i < 8; i++)
		*opts[i] = opts_read[i];
	return r->bad ? -1 : 0;
}

int sh_forkshell_main(struct sh *sh, const char *path)
{
	// Only a file the parent made (this must never unlink a user's file).
	if (strncmp(path, "/tmp/.shfs", 10) != 0) {
		sh_error("sh: forkshell: bad state file\n");
		return 2;
	}
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		sh_error("sh: forkshell: %s: %s\n", path, strerror(errno));
		return 2;
	}
	unlink(path);
	struct strbuf b = {0};
	char buf[4096];
	ssize_t got;
	while ((got = read(fd, buf, sizeof(buf))) > 0)
		sb_addn(&b, buf, (size_t)got);
	close(fd);
	if (b.nomem) {
		free(b.s);
		sh_error("sh: forkshell: out of memory\n");
		return 2;
	}
	if (!b.s) {
		sh_error("sh: forkshell: bad state\n");
		return 2;
	}
	sh->forkshell = 1;
	sh->subshell = 1; // errors end this shell, as they end a subshell
	pass_kills(1);    // dash's subshell would exec what it runs last
	sh->env_by_getenv = 0;
	struct reader r = {b.s, b.s + b.len, 0};
	if (state_read(sh, &r) < 0) {
		free(b.s);
		sh_error("sh: forkshell: bad state\n");
		return 2;
	}
	int line = (int)get_num(&r);
	char *text = get_str(&r);
	free(b.s);
	if (!text) {
		sh_error("sh: forkshell: bad state\n");
		return 2;
	}
	sh->lineno = line;
	run_printed(sh, text, line);
	free(text);
	if (sh->sigpipe_exit) { // dead of SIGPIPE: no EXIT trap
		free(sh->traps[0]);
		sh->traps[0] = NULL;
	}
	while (sh->locals) { // made by `local` outside any function call here
		struct sh_local *l = sh->locals;
		sh->locals = l->next;
		free(l->name);
		free(l->value);
		free(l);
	}
	return sh->status;
}

pid_t sh_forkshell(struct sh *sh, struct sh_node *n, int in, int out, int flags,
		   char state_path[SH_FORKSHELL_PATH])
{
	size_t len = 0;
	char *state = state_write(sh, n, flags, &len);
	if (!state) {
		sh_msg(sh, "out of memory");
		return -1;
	}
	char path[SH_FORKSHELL_PATH];
	int fd = -1;
	for (int tries = 0; tries < 100 && fd < 0; tries++) {
		snprintf(path, sizeof(path), "/tmp/.shfs%d.%lu", (int)getpid(), sh->subst_seq++);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		sh_msg(sh, "cannot create temporary file in /tmp: %s", strerror(errno));
		free(state);
		return -1;
	}
	int wrote = sh_write_all(fd, state, len);
	close(fd);
	free(state);
	if (wrote < 0) {
		sh_msg(sh, "forkshell: %s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	struct sh_fd_saves saves = {.n = 0};
	pid_t pid = -1;
	char **envp = NULL;
	if ((in >= 0 && sh_redirect_to(&saves, 0, in) < 0) ||
	    (out >= 0 && sh_redirect_to(&saves, 1, out) < 0)) {
		sh_msg(sh, "redirection: %s", strerror(errno));
	} else if (!(envp = sh_build_env(sh, NULL, 0))) {
		sh_msg(sh, "out of memory");
	} else {
		char *argv[] = {"sh", SH_FORKSHELL_ARG, path, NULL};
		pid = spawn("sh", argv, envp);
		if (pid < 0)
			sh_msg(sh, "spawn: %s", strerror(errno));
	}
	sh_fd_restore(&saves);
	sh_argv_free(envp);
	if (pid < 0)
		unlink(path);
	else if (state_path)
		memcpy(state_path, path, sizeof(path));
	return pid;
}
