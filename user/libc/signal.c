// Signals for apps (newlib side of user/libc): signal(), sigaction(),
// sigprocmask(), sigpending() and raise() on the kernel's calls
// (kernel/signal.c), and the delivery of caught signals.
//
// What can be caught: SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE,
// SIGALRM, SIGTERM (each ends the app by default). Anything else is
// EINVAL: SIGKILL and SIGSTOP never can be, and the kernel sends no other.
//
// When a handler runs: when the app's task returns from a kernel call
// (every call ends in libc_result(), which calls libc_signal_deliver()).
// A caught signal ends a call that sleeps (waitpid, read of the console
// or a pipe, nanosleep...), which returns -1 with errno EINTR after the
// handler ran; an app busy computing runs it at its next kernel call. The
// signal is blocked while its handler runs (and sa_mask's signals with
// it); errno is kept across the handler. sa_flags is kept and reported
// but changes nothing: no SA_RESTART (calls are not restarted), no
// SA_SIGINFO, no SA_RESETHAND (newlib's header has none of them).
//
// Apps share one address space, so a handler must not use a mutable
// global to tell the app what happened (every instance of the app would
// share it): corral_app_data() gives the instance's own pointer.
//
// Numbers: the kernel's are Linux's. newlib's <signal.h> agrees for
// HUP, INT, QUIT, PIPE, ALRM, TERM; its SIGUSR1/SIGUSR2 are 30/31, where
// Linux has 10/12. Both are accepted here; a handler is called with the
// number it was registered by.
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "user/corral.h"
#include "user/libc/libc.h"

_Static_assert(SIGHUP == 1 && SIGINT == 2 && SIGQUIT == 3 && SIGPIPE == 13 &&
		       SIGALRM == 14 && SIGTERM == 15 && SIGUSR1 == 30 && SIGUSR2 == 31,
	       "newlib's signal numbers");
_Static_assert(SIG_SETMASK == 0 && SIG_BLOCK == 1 && SIG_UNBLOCK == 2, "newlib's how");

#define LINUX_SIGUSR1 10
#define LINUX_SIGUSR2 12

int libc_kernel_signal_number(int sig)
{
	return sig == SIGUSR1 ? LINUX_SIGUSR1 : sig == SIGUSR2 ? LINUX_SIGUSR2 : sig;
}

// The kernel's number of a signal an app may catch, or -1.
static int catchable(int sig)
{
	switch (sig) {
	case SIGHUP: case SIGINT: case SIGQUIT: case SIGPIPE: case SIGALRM: case SIGTERM:
	case LINUX_SIGUSR1: case LINUX_SIGUSR2:
		return sig;
	case SIGUSR1: case SIGUSR2:
		return libc_kernel_signal_number(sig);
	}
	return -1;
}

// newlib's sigset_t (bit n = newlib's signal n) to the kernel's mask, and back.
static unsigned kernel_mask(sigset_t set)
{
	unsigned k = (unsigned)set & 0xffffu; // 1..15 (10 and 12: Linux's USR1/USR2)
	if (set & (1UL << SIGUSR1))
		k |= 1u << LINUX_SIGUSR1;
	if (set & (1UL << SIGUSR2))
		k |= 1u << LINUX_SIGUSR2;
	return k;
}

static sigset_t newlib_mask(unsigned k)
{
	sigset_t set = k & 0xffffu;
	if (k & (1u << LINUX_SIGUSR1))
		set |= 1UL << SIGUSR1;
	if (k & (1u << LINUX_SIGUSR2))
		set |= 1UL << SIGUSR2;
	return set;
}

// ---- Delivery ----

// The kernel's signal_deliver() calls this for each caught signal, on the
// task's own stack, with the signal blocked.
static void run_handler(int k)
{
	struct libc_task *lt = libc_task();
	void (*h)(int) = lt && k > 0 && k < LIBC_NSIG ? lt->sig_handler[k] : NULL;
	if (!h)
		return;
	int saved_errno = errno;
	unsigned mask = lt->sig_mask[k], old = 0;
	if (mask) // (the kernel restores the whole mask after the handler)
		sys_sigprocmask(KABI_SIG_BLOCK, &mask, &old);
	h(lt->sig_number[k]);
	errno = saved_errno;
}

void libc_signal_deliver(void) { signal_deliver(run_handler); }

// ---- The calls ----

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	struct libc_task *lt = libc_task();
	int k = catchable(sig);
	if (k < 0 || !lt) {
		errno = EINVAL;
		return -1;
	}
	struct sigaction prev;
	memset(&prev, 0, sizeof(prev));
	prev.sa_handler = lt->sig_handler[k];
	prev.sa_mask = newlib_mask(lt->sig_mask[k]);
	prev.sa_flags = lt->sig_flags[k];
	int action = -1;
	if (act) {
		action = act->sa_handler == SIG_DFL   ? KABI_SIG_ACTION_DEFAULT
			 : act->sa_handler == SIG_IGN ? KABI_SIG_ACTION_IGNORE
						      : KABI_SIG_ACTION_CATCH;
		// The handler is in place before the kernel catches for it.
		lt->sig_handler[k] = action == KABI_SIG_ACTION_CATCH ? act->sa_handler : NULL;
		lt->sig_mask[k] = kernel_mask(act->sa_mask);
		lt->sig_flags[k] = act->sa_flags;
		lt->sig_number[k] = sig;
	}
	int was = KABI_SIG_ACTION_DEFAULT;
	if (LIBC_RESULT(sys_sigaction(k, action, &was)) < 0)
		return -1;
	if (old) {
		if (was != KABI_SIG_ACTION_CATCH)
			prev.sa_handler = was == KABI_SIG_ACTION_IGNORE ? SIG_IGN : SIG_DFL;
		*old = prev;
	}
	return 0;
}

_sig_func_ptr _signal_r(struct _reent *r, int sig, _sig_func_ptr handler)
{
	struct sigaction act, old;
	memset(&act, 0, sizeof(act));
	act.sa_handler = handler;
	if (sigaction(sig, &act, &old) < 0) {
		r->_errno = errno;
		return SIG_ERR;
	}
	return old.sa_handler;
}

_sig_func_ptr signal(int sig, _sig_func_ptr handler) { return _signal_r(_REENT, sig, handler); }

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	int khow = how == SIG_BLOCK     ? KABI_SIG_BLOCK
		   : how == SIG_UNBLOCK ? KABI_SIG_UNBLOCK
		   : how == SIG_SETMASK ? KABI_SIG_SETMASK
					: -1;
	if (set && khow < 0) {
		errno = EINVAL;
		return -1;
	}
	unsigned kset = set ? kernel_mask(*set) : 0, kold = 0;
	if (LIBC_RESULT(sys_sigprocmask(khow, set ? &kset : NULL, &kold)) < 0)
		return -1;
	if (old)
		*old = newlib_mask(kold);
	return 0;
}

int sigpending(sigset_t *set)
{
	unsigned k = 0;
	if (LIBC_RESULT(sys_sigpending(&k)) < 0)
		return -1;
	*set = newlib_mask(k);
	return 0;
}

// The handler (if any) has run when raise returns: at the end of the kill.
int _raise_r(struct _reent *r, int sig) { return _kill_r(r, _getpid_r(r), sig); }
int raise(int sig) { return _raise_r(_REENT, sig); }

void corral_set_app_data(void *p)
{
	struct libc_task *lt = libc_task();
	if (lt)
		lt->app_data = p;
}

void *corral_app_data(void)
{
	struct libc_task *lt = libc_task();
	return lt ? lt->app_data : NULL;
}
