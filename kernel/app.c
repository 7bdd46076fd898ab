// Apps as tasks (see app.h): sys_spawn, the app state of a task, and the
// shell that init runs.
//
// sys_spawn builds the child's heap, copies argv and envp into it (so the
// child owns them and they go away with it), creates the task in state
// TASK_NEW, hands it the heap and only then starts it. The child's first
// code, app_task_entry, goes straight to user/libc's libc_task_main, which
// sets up newlib for the task, runs main and exits with its status.
#include "kernel/app.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "lib/string.h"
#include "mm/task_heap.h"
#include "user/libc/kabi.h"

static DEFINE_SPINLOCK(app_state_lock); // every task's ->heap (see app.h)

// What the child starts from: in its own heap.
struct app_start {
	int (*main)(int argc, char **argv);
	int argc;
	char **argv, **envp;
};

const struct kabi_app *app_lookup(const char *name)
{
	if (!name)
		return NULL;
	for (const struct kabi_app *a = __apps_start; a < __apps_end; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

// The size of vector v (NULL-terminated) in *count, and its strings'
// bytes added to *bytes; false once *bytes passes APP_ARG_MAX.
static bool vector_size(char *const v[], int *count, size_t *bytes)
{
	*count = 0;
	for (; v && v[*count]; (*count)++) {
		*bytes += sizeof(char *) + strlen(v[*count]) + 1;
		if (*bytes > APP_ARG_MAX)
			return false;
	}
	*bytes += sizeof(char *); // the NULL
	return true;
}

// Copies v into to[] (count + 1 slots), the strings at *strings.
static void vector_copy(char **to, char *const v[], int count, char **strings)
{
	for (int i = 0; i < count; i++) {
		size_t n = strlen(v[i]) + 1;
		memcpy(*strings, v[i], n);
		to[i] = *strings;
		*strings += n;
	}
	to[count] = NULL;
}

static struct app_start *app_start_create(struct task_heap *h, const struct kabi_app *a,
					  char *const argv[], char *const envp[], int *err)
{
	char *const name_only[] = {(char *)a->name, NULL};
	if (!argv)
		argv = name_only;
	int argc, envc;
	size_t bytes = sizeof(struct app_start);
	if (!vector_size(argv, &argc, &bytes) || !vector_size(envp, &envc, &bytes)) {
		*err = -E2BIG;
		return NULL;
	}
	struct app_start *s = heap_alloc(h, bytes, 16);
	if (!s) {
		*err = -ENOMEM;
		return NULL;
	}
	s->main = a->main;
	s->argc = argc;
	s->argv = (char **)(s + 1);
	s->envp = s->argv + argc + 1;
	char *strings = (char *)(s->envp + envc + 1);
	vector_copy(s->argv, argv, argc, &strings);
	vector_copy(s->envp, envp, envc, &strings);
	return s;
}

static int app_task_entry(void *arg)
{
	struct app_start *s = arg;
	task_check_killed(); // spawned stopped: wait here for SIGCONT
	libc_task_main(s->main, s->argc, s->argv, s->envp);
}

static pid_t do_spawn(const char *app, char *const argv[], char *const envp[], bool stopped)
{
	const struct kabi_app *a = app_lookup(app);
	if (!a) {
		task_check_killed();
		return -ENOENT;
	}
	int err = -ENOMEM;
	struct task_heap *h = heap_create();
	struct app_start *s = h ? app_start_create(h, a, argv, envp, &err) : NULL;
	// The heap is t's before t is visible, so that whoever moves t's
	// pages (memset, cgroup_post_fork) finds it.
	struct task *t = s ? task_create_app(a->name, app_task_entry, s, h) : NULL;
	if (IS_ERR(t))
		err = PTR_ERR(t);
	if (!s || IS_ERR(t)) {
		heap_destroy(h);
		task_check_killed();
		return err;
	}
	pid_t pid = t->pid;
	if (stopped)
		task_stop_request(t, SIGSTOP); // obeyed at its first step, before app code
	task_start(t);
	task_check_killed();
	return pid;
}

pid_t sys_spawn(const char *app, char *const argv[], char *const envp[])
{
	return do_spawn(app, argv, envp, false);
}

pid_t sys_spawn_stopped(const char *app, char *const argv[], char *const envp[])
{
	return do_spawn(app, argv, envp, true);
}

// The task hook (kernel/task.h): t is exiting (or discarded unstarted).
// Never sleeps: the heap goes now, or when another task using it puts it.
void task_release_app_state(struct task *t)
{
	if (!t->heap) // not an app: t->heap is only ever set before t starts
		return;
	spin_lock(&app_state_lock);
	struct task_heap *h = t->heap;
	t->heap = NULL;
	t->libc_reent = NULL; // it lived in the heap
	spin_unlock(&app_state_lock);
	heap_destroy(h);
}

// t's heap with a reference, or NULL.
static struct task_heap *app_heap_get(struct task *t)
{
	spin_lock(&app_state_lock);
	struct task_heap *h = t->heap;
	if (h)
		heap_get(h);
	spin_unlock(&app_state_lock);
	return h;
}

u64 app_heap_allocated_bytes(struct task *t)
{
	struct task_heap *h = app_heap_get(t);
	if (!h)
		return 0;
	u64 n = heap_allocated_bytes(h);
	heap_put(h);
	return n;
}

u64 app_heap_node_pages(struct task *t, int nid)
{
	struct task_heap *h = app_heap_get(t);
	if (!h)
		return 0;
	u64 n = heap_node_pages(h, nid);
	heap_put(h);
	return n;
}

int app_heap_migrate(struct task *t, const nodemask_t *to)
{
	struct task_heap *h = app_heap_get(t);
	if (!h)
		return 0;
	int ret = heap_migrate(h, to);
	heap_put(h);
	return ret;
}

struct task_heap *app_heap_migrate_prepare(struct task *t, const nodemask_t *to)
{
	struct task_heap *h = app_heap_get(t);
	if (!h)
		return NULL;
	int err = heap_migrate_prepare(h, to);
	if (err) {
		heap_put(h);
		return ERR_PTR(err);
	}
	return h;
}

void app_heap_migrate_finish(struct task_heap *h, bool commit)
{
	if (commit)
		heap_migrate_commit(h);
	else
		heap_migrate_cancel(h);
	heap_put(h);
}

// ---- init's shell and benchmarks ----

static char *const sh_envp[] = {"HOME=/", "TERM=vt100", NULL};

int app_run(char *const argv[])
{
	pid_t pid = sys_spawn(argv[0], argv, sh_envp);
	if (pid < 0)
		return pid;
	int status = 0;
	while (do_waitpid(pid, &status, 0) == -EINTR)
		;
	if (status & 0x7f)
		return 128 + (status & 0x7f);
	return (status >> 8) & 0xff;
}

int app_init_main(const char *init_cmd)
{
	if (!app_lookup("sh")) {
		pr_err("app: no sh app registered\n");
		return -ENOENT;
	}
	if (init_cmd && *init_cmd) {
		char *const argv[] = {"sh", "-c", (char *)init_cmd, NULL};
		return app_run(argv);
	}
	for (;;) {
		char *const argv[] = {"sh", NULL};
		u64 start = clock_ns();
		int status = app_run(argv);
		if (status < 0)
			pr_err("app: cannot start sh: error %d\n", status);
		else
			pr_info("app: sh exited with status %d; starting a new one\n", status);
		if (clock_ns() - start < NSEC_PER_SEC) // do not spin on a failing shell
			sleep_ns(NSEC_PER_SEC);
	}
}
