// The life of an app task on the libc side (newlib side of user/libc):
// libc_task_main() sets up the task's newlib state and runs main; exit(),
// _exit() and atexit() per task; the environment per task.
//
// newlib keeps a few things global that must be per task here: its exit()
// runs the atexit handlers registered by every task and flushes only the
// global reent's streams, and getenv()/setenv() work on one global
// `environ`. The versions below use the task's struct libc_task instead
// (user/libc/libc.h), which lives in the task's heap. The global `environ`
// stays empty: apps read their environment with getenv().
#include <errno.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "user/libc/libc.h"

char *_findenv_r(struct _reent *r, const char *name, int *offset);
char *_findenv(const char *name, int *offset);
char **corral_environ(void);

void libc_task_main(int (*main)(int argc, char **argv), int argc, char **argv, char **envp)
{
	struct libc_task *lt = kabi_heap_alloc(sizeof(*lt), 16);
	if (!lt)
		sys_exit(127); // no memory even for stdio: like a failed exec
	memset(lt, 0, sizeof(*lt));
	_REENT_INIT_PTR(&lt->reent);
	lt->environ = envp;
	while (envp && envp[lt->env_count])
		lt->env_count++;
	if (argc > 0 && argv[0]) {
		const char *slash = strrchr(argv[0], '/');
		strlcpy(lt->prog, slash ? slash + 1 : argv[0], sizeof(lt->prog));
	}
	kabi_set_reent(&lt->reent);
	exit(main(argc, argv));
}

// ---- Exit ----

void libc_flush_all(void)
{
	struct libc_task *lt = libc_task();
	if (lt)
		_cleanup_r(&lt->reent); // flush and close every FILE of the task
}

int atexit(void (*fn)(void))
{
	struct libc_task *lt = libc_task();
	if (!lt || lt->atexit_count == LIBC_ATEXIT_MAX)
		return -1;
	lt->atexit_fn[lt->atexit_count++] = fn;
	return 0;
}

// The errno of the last failed write to fd 1 (user/applib.c asks).
int corral_stdout_errno(void)
{
	struct libc_task *lt = libc_task();
	return lt ? lt->stdout_errno : 0;
}

// As GNU's close_stdout: output that could not be written is an error
// the app's status shows, `PROG: write error: REASON` on stderr. A reader
// that went away (EPIPE) ends the app quietly, as SIGPIPE would.
static int check_stdout(struct libc_task *lt, int status)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	int err = lt->stdout_errno;
	clearerr(stdout);
	if (err == EPIPE)
		return status;
	fprintf(stderr, "%s: write error: %s\n", lt->prog[0] ? lt->prog : "app",
		strerror(err ? err : EIO));
	return status ? status : 1;
}

void exit(int status)
{
	struct libc_task *lt = libc_task();
	while (lt && lt->atexit_count > 0)
		lt->atexit_fn[--lt->atexit_count]();
	if (lt)
		status = check_stdout(lt, status);
	libc_flush_all();
	sys_exit(status);
}

// Unlike POSIX's _exit, this flushes stdio too: the paths inside newlib
// that end here (abort) would otherwise lose an app's last output.
void _exit(int status)
{
	libc_flush_all();
	sys_exit(status);
}

// ---- Environment ----

// The value of name (up to any '='), and its index in *offset.
char *_findenv_r(struct _reent *r, const char *name, int *offset)
{
	(void)r;
	struct libc_task *lt = libc_task();
	size_t len = strcspn(name, "=");
	if (!lt || !lt->environ)
		return NULL;
	for (int i = 0; lt->environ[i]; i++) {
		const char *e = lt->environ[i];
		if (strncmp(e, name, len) == 0 && e[len] == '=') {
			*offset = i;
			return (char *)e + len + 1;
		}
	}
	return NULL;
}

char *_findenv(const char *name, int *offset) { return _findenv_r(_REENT, name, offset); }

char *_getenv_r(struct _reent *r, const char *name)
{
	int offset;
	return _findenv_r(r, name, &offset);
}

char *getenv(const char *name) { return _getenv_r(_REENT, name); }

// The task's environment, NAME=VALUE strings, NULL-terminated: what
// `environ` is elsewhere (user/applib.h).
char **corral_environ(void)
{
	static char *empty[] = {NULL};
	struct libc_task *lt = libc_task();
	return lt && lt->environ ? lt->environ : empty;
}

// Makes lt->environ an array of ours (from malloc) with room for one more.
static int env_reserve(struct libc_task *lt)
{
	if (lt->env_count + 2 <= lt->env_cap)
		return 0;
	int cap = lt->env_count + 16;
	char **env = realloc(lt->env_cap ? lt->environ : NULL, cap * sizeof(*env));
	if (!env)
		return -1;
	if (!lt->env_cap && lt->env_count) // first time: copy the spawn-time array
		memcpy(env, lt->environ, lt->env_count * sizeof(*env));
	env[lt->env_count] = NULL;
	lt->environ = env;
	lt->env_cap = cap;
	return 0;
}

int _setenv_r(struct _reent *r, const char *name, const char *value, int overwrite)
{
	struct libc_task *lt = libc_task();
	if (!name || !*name || strchr(name, '=') || !lt) {
		r->_errno = EINVAL;
		return -1;
	}
	int offset;
	bool exists = _findenv_r(r, name, &offset) != NULL;
	if (exists && !overwrite)
		return 0;
	size_t nlen = strlen(name), vlen = strlen(value);
	char *entry = malloc(nlen + vlen + 2);
	if (!entry || (!exists && env_reserve(lt) < 0)) {
		free(entry);
		r->_errno = ENOMEM;
		return -1;
	}
	memcpy(entry, name, nlen);
	entry[nlen] = '=';
	memcpy(entry + nlen + 1, value, vlen + 1);
	if (exists) { // the old string may be the spawn-time copy: not freed
		lt->environ[offset] = entry;
		return 0;
	}
	lt->environ[lt->env_count++] = entry;
	lt->environ[lt->env_count] = NULL;
	return 0;
}

int setenv(const char *name, const char *value, int overwrite)
{
	return _setenv_r(_REENT, name, value, overwrite);
}

int _unsetenv_r(struct _reent *r, const char *name)
{
	struct libc_task *lt = libc_task();
	if (!name || !*name || strchr(name, '=') || !lt) {
		r->_errno = EINVAL;
		return -1;
	}
	int offset;
	while (_findenv_r(r, name, &offset)) {
		memmove(&lt->environ[offset], &lt->environ[offset + 1],
			(lt->env_count - offset) * sizeof(char *));
		lt->env_count--;
	}
	return 0;
}

int unsetenv(const char *name) { return _unsetenv_r(_REENT, name); }
