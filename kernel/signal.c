// Signals an app can catch, ignore or block: HUP, INT, QUIT, USR1, USR2,
// PIPE, ALRM and TERM (each ends the task by default). SIGKILL, SIGSTOP,
// SIGTSTP and SIGCONT keep their fixed meaning (kernel/task.c).
//
// Interface: sys_sigaction, sys_sigprocmask, sys_sigpending and
// signal_deliver (kernel/syscall.h); signal_send, signal_inherit for
// task.c (kernel/task.h).
//
// The state is four 16-bit masks in struct task (one bit per signal
// number): sig_caught and sig_ignored (the disposition), sig_blocked and
// sig_pending. Only the task itself writes the first three; senders read
// them and set bits of sig_pending, which the task clears -- all with
// atomic operations, so a sender needs no lock and may be an interrupt
// handler (the console's Ctrl-C).
//
// When a handler runs. Corral's apps run in ring 0 in the kernel's
// address space: there is no return to user mode where a kernel could
// redirect an app to its handler at any instruction. So a caught signal
// only sets its pending bit and wakes the task from an interruptible sleep
// (that call returns -EINTR); the handler runs when the task next returns
// from a kernel call, in its own context and on its own stack: user/libc
// calls signal_deliver() at the end of every call. An app in a loop of
// pure computation runs its handler at its next kernel call, not before.
// (A kill is different: it may end an app at any timer interrupt in app
// code -- ending a task needs no cooperation from its code.) The signal
// is blocked while its handler runs, so a second one waits for it to
// return; another signal's handler may run inside it, at a kernel call.
//
// Races a sender can lose, and why they are harmless: it reads the
// dispositions, then sets the pending bit; if the task changed them in
// between, the delivery reads them again (signal_take): a signal found
// ignored is dropped there, one found default kills the task there.
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "kernel/task.h"

#define SIG_BIT(sig) ((u16)(1u << (sig)))
#define SIG_CATCHABLE                                                          \
	(SIG_BIT(SIGHUP) | SIG_BIT(SIGINT) | SIG_BIT(SIGQUIT) | SIG_BIT(SIGUSR1) | \
	 SIG_BIT(SIGUSR2) | SIG_BIT(SIGPIPE) | SIG_BIT(SIGALRM) | SIG_BIT(SIGTERM))

_Static_assert(SIGTERM < 16 && SIGUSR2 < 16, "the masks in struct task are 16 bits");

bool signal_catchable(int sig)
{
	return sig > 0 && sig < 16 && (SIG_CATCHABLE & SIG_BIT(sig));
}

// ---- The sender's side ----

bool signal_send(struct task *t, int sig)
{
	if (!signal_catchable(sig))
		return false;
	u16 bit = SIG_BIT(sig);
	u16 blocked = READ_ONCE(t->sig_blocked);
	if (!(blocked & bit) && (READ_ONCE(t->sig_ignored) & bit))
		return true; // dropped (a blocked one waits: it may be caught by then)
	if (!((blocked | READ_ONCE(t->sig_caught)) & bit))
		return false; // the default: a kill
	__atomic_or_fetch(&t->sig_pending, bit, __ATOMIC_SEQ_CST);
	if (!(READ_ONCE(t->sig_blocked) & bit))
		wake_up_state(t, TASK_INTERRUPTIBLE);
	return true;
}

void signal_inherit(struct task *child, struct task *parent)
{
	child->sig_ignored = parent ? READ_ONCE(parent->sig_ignored) : 0;
	child->sig_caught = 0;
	child->sig_blocked = 0;
	child->sig_pending = 0;
}

// ---- The task's side ----

static void set_mask(volatile u16 *mask, u16 bit, bool on)
{
	if (on)
		__atomic_or_fetch(mask, bit, __ATOMIC_SEQ_CST);
	else
		__atomic_and_fetch(mask, (u16)~bit, __ATOMIC_SEQ_CST);
}

int sys_sigaction(int sig, int action, int *old)
{
	struct task *t = current;
	int ret = 0;
	if (!signal_catchable(sig) || action < -1 || action > SIG_ACTION_CATCH) {
		ret = -EINVAL;
		goto out;
	}
	u16 bit = SIG_BIT(sig);
	if (old)
		*old = t->sig_caught & bit    ? SIG_ACTION_CATCH
		       : t->sig_ignored & bit ? SIG_ACTION_IGNORE
					      : SIG_ACTION_DEFAULT;
	if (action < 0)
		goto out;
	// Ignored before caught is cleared: a sender in between sees one of
	// the two, never "default" (which would kill).
	set_mask(&t->sig_ignored, bit, action == SIG_ACTION_IGNORE);
	set_mask(&t->sig_caught, bit, action == SIG_ACTION_CATCH);
	if (action == SIG_ACTION_IGNORE) // POSIX: a pending one is discarded
		set_mask(&t->sig_pending, bit, false);
out:
	task_check_killed();
	return ret;
}

int sys_sigprocmask(int how, const unsigned *set, unsigned *old)
{
	struct task *t = current;
	u16 blocked = t->sig_blocked;
	int ret = 0;
	if (old)
		*old = blocked;
	if (set) {
		u16 s = (u16)(*set & SIG_CATCHABLE);
		switch (how) {
		case SIG_BLOCK: blocked |= s; break;
		case SIG_UNBLOCK: blocked &= (u16)~s; break;
		case SIG_SETMASK: blocked = s; break;
		default: ret = -EINVAL;
		}
		if (ret == 0)
			__atomic_store_n(&t->sig_blocked, blocked, __ATOMIC_SEQ_CST);
	}
	task_check_killed();
	return ret;
}

int sys_sigpending(unsigned *set)
{
	*set = READ_ONCE(current->sig_pending);
	task_check_killed();
	return 0;
}

// The next caught signal of t that is pending and not blocked, its
// pending bit cleared; 0 if none. One found ignored is dropped; one found
// default (the app changed its mind since it was sent) kills t here.
static int signal_take(struct task *t)
{
	for (;;) {
		u16 ready = READ_ONCE(t->sig_pending) & (u16)~t->sig_blocked;
		if (!ready)
			return 0;
		int sig = __builtin_ctz(ready);
		u16 bit = SIG_BIT(sig);
		set_mask(&t->sig_pending, bit, false);
		if (t->sig_caught & bit)
			return sig;
		if (t->sig_ignored & bit)
			continue;
		int none = 0;
		__atomic_compare_exchange_n(&t->kill_pending, &none, sig, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		task_check_killed(); // does not return
	}
}

void signal_deliver(void (*handler)(int sig))
{
	struct task *t = current;
	if (likely(!t || !(READ_ONCE(t->sig_pending) & (u16)~t->sig_blocked)))
		return;
	if (t->is_idle || preempt_count() != 0 || this_cpu_read_int(irq_depth) != 0 ||
	    this_cpu_read_int(locks_held))
		return;
	int sig;
	while ((sig = signal_take(t)) > 0) {
		u16 saved = t->sig_blocked;
		__atomic_store_n(&t->sig_blocked, saved | SIG_BIT(sig), __ATOMIC_SEQ_CST);
		handler(sig);
		__atomic_store_n(&t->sig_blocked, saved, __ATOMIC_SEQ_CST);
	}
}
