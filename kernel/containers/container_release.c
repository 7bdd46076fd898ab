// Release notification: a container with notify_on_release set that
// becomes empty (its last task leaves, its last child is removed, the last
// reference to one of its css is dropped) is queued here, and a kernel
// thread runs the hierarchy's release_agent once for it, with the
// container's path (relative to the hierarchy) as the last argument. The
// agent is an app spawned by the thread, which sits in every root.
// The agent runs as soon as the worker is woken, and a container is
// empty as soon as its last task exits (container.c's exited css_sets):
// nothing waits for the zombie to be reaped, so an idle system releases
// at once.
// The path has no length limit here (container.c keeps paths within
// CONTAINER_PATH_MAX, which an app's arguments hold); the command line is
// split into as many words as it has.
// Locking: release_lock (a spinlock, any context) guards release_list and
// release_held; the worker re-checks the container under container_mutex
// before running the agent. Each queued container holds a reference
// (container_get), which the worker drops once it has checked it.
#include "kernel/containers/container.h"
#include "kernel/containers/internal.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "lib/string.h"
#include "mm/slab.h"

static struct spinlock release_lock;
static LIST_HEAD(release_list); // release_lock
static struct wait_queue release_wq;
static bool release_worker_started;
static int release_held; // release_lock: container_release_hold() nesting
atomic_t container_release_checks; // queued checks the worker has finished
// Requests for a check of a notify_on_release container (one per time it
// became unused), queued or already queued: what the ktests count.
atomic_t container_release_requests;

// ---- release notification -------------------------------------------------------

// Queue c for a release check if it asks to be notified. Any context
// that may take a spinlock; the worker decides.
void container_queue_release(struct container *c)
{
	if (!c || !c->parent || !test_bit(CONT_NOTIFY_ON_RELEASE, &c->flags) ||
	    test_bit(CONT_REMOVED, &c->flags))
		return;
	atomic_inc(&container_release_requests);
	if (test_and_set_bit(CONT_RELEASE_QUEUED, &c->flags))
		return;
	container_get(c);
	unsigned long f = spin_lock_irqsave(&release_lock);
	list_add_tail(&c->release_list, &release_list);
	spin_unlock_irqrestore(&release_lock, f);
	if (release_worker_started)
		wake_up(&release_wq);
}

void container_release_hold(bool hold)
{
	unsigned long f = spin_lock_irqsave(&release_lock);
	release_held += hold ? 1 : -1;
	spin_unlock_irqrestore(&release_lock, f);
	if (!hold && release_worker_started)
		wake_up(&release_wq);
}

static bool release_pending(void)
{
	unsigned long f = spin_lock_irqsave(&release_lock);
	bool r = !list_empty(&release_list) && !release_held;
	spin_unlock_irqrestore(&release_lock, f);
	return r;
}

// Spawn the agent: its command line split at spaces (every word: a
// line of RELEASE_AGENT_MAX bytes has at most RELEASE_AGENT_MAX / 2), then
// the path. line is the worker's copy and is cut up here. A first word
// with a slash (/tmp/agent.sh) is a script: `sh` runs it.
static bool run_release_agent(char *line, char *path)
{
	char *argv[RELEASE_AGENT_MAX / 2 + 3];
	int argc = 1; // argv[0]: "sh" for a script
	argv[0] = "sh";
	for (char *p = line; *p;) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		argv[argc++] = p;
		while (*p && *p != ' ')
			p++;
	}
	if (argc == 1)
		return false;
	argv[argc++] = path;
	argv[argc] = NULL;
	char **args = strchr(argv[1], '/') ? argv : argv + 1;
	char *envp[] = {"PATH=/", NULL};
	pid_t pid = sys_spawn(args[0], args, envp);
	if (pid < 0)
		pr_warn("container: release agent '%s' for %.64s: error %d\n", argv[1], path, pid);
	return pid > 0;
}

// Check one dequeued container; run its agent if it is still empty.
static bool release_check(struct container *c)
{
	char agent[RELEASE_AGENT_MAX];
	char *path = NULL;
	container_lock();
	clear_bit(CONT_RELEASE_QUEUED, &c->flags);
	if (!test_bit(CONT_REMOVED, &c->flags) && !container_busy(c) &&
	    test_bit(CONT_NOTIFY_ON_RELEASE, &c->flags)) {
		strlcpy(agent, c->hierarchy->release_agent, sizeof(agent));
		if (agent[0])
			path = container_path_alloc(c);
		if (agent[0] && !path)
			pr_warn("container: no memory for a release agent's path\n");
	}
	container_unlock();
	bool started = false;
	if (path) {
		started = run_release_agent(agent, path);
		if (started)
			atomic_inc(&container_releases);
		kfree(path);
	}
	container_put(c); // the queue's reference
	atomic_inc(&container_release_checks);
	return started;
}

atomic_t container_releases; // agents started (tests)

static int agents_running; // the worker's own

static int release_worker(void *arg)
{
	(void)arg;
	for (;;) {
		// Sleep until a release is queued; poll (to reap agents that
		// finished) only while some are running.
		// Interruptible: it shows as S and stays out of the load average
		// (kthread_create makes it ignore kills).
		struct wait_entry we;
		wait_entry_init(&we);
		prepare_to_wait(&release_wq, &we, TASK_INTERRUPTIBLE);
		if (!release_pending()) {
			if (agents_running)
				schedule_until(clock_ns() + 100000000ULL);
			else
				schedule();
		}
		finish_wait(&release_wq, &we);
		while (agents_running && sys_waitpid(-1, NULL, WNOHANG) > 0)
			agents_running--;
		for (;;) {
			unsigned long f = spin_lock_irqsave(&release_lock);
			struct container *c = release_held ? NULL :
				list_first_entry_or_null(&release_list, struct container, release_list);
			if (c)
				list_del_init(&c->release_list);
			spin_unlock_irqrestore(&release_lock, f);
			if (!c)
				break;
			agents_running += release_check(c);
		}
	}
	return 0;
}

void container_late_init(void)
{
	struct task *t = kthread_create("container_release", release_worker, NULL);
	if (IS_ERR(t))
		panic("container: cannot start the release worker");
	release_worker_started = true;
}

void container_release_init(void)
{
	spin_lock_init(&release_lock, "container_release_lock");
	wait_queue_init(&release_wq, "container_release");
}
