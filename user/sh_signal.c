// Signals and traps, as dash has them: which signals the shell catches or
// ignores, running trap actions between commands, and what background
// jobs start with.
//
// The shell's disposition of each signal it can catch (HUP INT QUIT USR1
// USR2 PIPE ALRM TERM; Linux's numbers, as sh->traps[] is indexed) follows
// from its traps (sh_signal_sync):
//   trap '' SIG        ignored -- and by every command it starts
//   trap 'ACTION' SIG  caught: the handler notes it in sh->sig_pending;
//                      ACTION runs between commands (sh_run_traps), $?
//                      kept; a command started gets the default
//   no trap            the default (the signal ends the shell), except
//                      that an interactive shell catches INT, QUIT and TERM
//                      for itself: Ctrl-C ends a `wait`, the others do
//                      nothing. Its commands start with the default.
// A signal ignored when the shell started stays ignored whatever trap
// says (dash's "hard" ignore): that is how a background job of a script,
// which starts with INT and QUIT ignored (sh_bg_signals_begin), is immune
// to the Ctrl-C meant for the script.
//
// The handler runs when the shell returns from a kernel call (Corral runs
// handlers only there: see user/libc/signal.c), so a signal that arrives
// while the shell waits for a foreground command ends that waitpid with
// EINTR, the wait resumes, and the trap runs once the command is over, as
// POSIX says. The `wait` builtin instead returns 128 + the signal
// (sh_wait_interrupted).
#include "user/sh.h"
#include "user/corral.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

// Linux's numbers (the kernel's): newlib's headers disagree for USR1/USR2.
#define SH_SIGHUP 1
#define SH_SIGINT 2
#define SH_SIGQUIT 3
#define SH_SIGUSR1 10
#define SH_SIGUSR2 12
#define SH_SIGPIPE 13
#define SH_SIGALRM 14
#define SH_SIGTERM 15
#define BIT(sig) (1u << (sig))
#define SH_CATCHABLE                                                            \
	(BIT(SH_SIGHUP) | BIT(SH_SIGINT) | BIT(SH_SIGQUIT) | BIT(SH_SIGUSR1) |  \
	 BIT(SH_SIGUSR2) | BIT(SH_SIGPIPE) | BIT(SH_SIGALRM) | BIT(SH_SIGTERM))
// What an interactive shell catches for itself when there is no trap.
#define SH_INTERACTIVE_CATCH (BIT(SH_SIGINT) | BIT(SH_SIGQUIT) | BIT(SH_SIGTERM))

int sh_signal_catchable(int sig) { return sig > 0 && sig < 32 && (SH_CATCHABLE & BIT(sig)); }

// Every shell instance shares this code and its globals: the handler
// finds its own shell through corral_app_data() (sh_signals_init).
static void sh_on_signal(int sig)
{
	struct sh *sh = corral_app_data();
	if (sh && sh_signal_catchable(sig))
		sh->sig_pending |= BIT(sig);
}

void sh_signals_init(struct sh *sh)
{
	corral_set_app_data(sh);
	for (int sig = 1; sig < 32; sig++) {
		struct sigaction old;
		if (sh_signal_catchable(sig) && sigaction(sig, NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN) {
			sh->sig_hard_ignored |= BIT(sig);
			sh->sig_ignoring |= BIT(sig);
		}
	}
}

void sh_signal_sync(struct sh *sh, int sig)
{
	if (!sh_signal_catchable(sig))
		return;
	const char *trap = sh->traps[sig];
	void (*want)(int) = SIG_DFL;
	if ((sh->sig_hard_ignored & BIT(sig)) || (trap && !trap[0]))
		want = SIG_IGN;
	else if (trap || (sh->interactive && (SH_INTERACTIVE_CATCH & BIT(sig))))
		want = sh_on_signal;
	// What is set already (no kernel call for a subshell's end, say).
	if (want == (sh->sig_catching & BIT(sig)   ? sh_on_signal
		     : sh->sig_ignoring & BIT(sig) ? SIG_IGN
						   : SIG_DFL))
		return;
	struct sigaction act;
	memset(&act, 0, sizeof(act));
	act.sa_handler = want;
	sigaction(sig, &act, NULL);
	sh->sig_catching &= ~BIT(sig);
	sh->sig_ignoring &= ~BIT(sig);
	if (want == sh_on_signal)
		sh->sig_catching |= BIT(sig);
	else
		sh->sig_pending &= ~BIT(sig);
	if (want == SIG_IGN)
		sh->sig_ignoring |= BIT(sig);
}

void sh_signal_sync_all(struct sh *sh)
{
	for (int sig = 1; sig < 32; sig++)
		if (sh_signal_catchable(sig))
			sh_signal_sync(sh, sig);
}

void sh_run_traps(struct sh *sh)
{
	if (sh->in_trap)
		return; // (dash: a trap's own signals wait for it to finish)
	sh->in_trap = 1;
	unsigned skip = 0;
	while (sh->sig_pending & ~skip) {
		// An action that sends its own signal runs again and again (dash
		// recurses until it crashes): at the prompt, Ctrl-C ends it, and
		// the signals still pending with it.
		sh_check_interrupt(sh);
		if (sh->jump == J_ABORT)
			sh->sig_pending = 0;
		if (sh->jump)
			break;
		int sig = __builtin_ctz(sh->sig_pending & ~skip);
		char *action = sh->traps[sig];
		if (!action && sh->subshell) {
			// An in-process subshell reset the trap: it is the shell's
			// own, which runs once the subshell is over (as a forked
			// subshell's parent would run it).
			skip |= BIT(sig);
			continue;
		}
		sh->sig_pending &= ~BIT(sig);
		if (!action || !action[0])
			continue; // the interactive shell's own catch: nothing to do
		action = strdup(action); // the action may change its own trap
		if (!action)
			break;
		int status = sh->status;
		enum sh_jump jump = sh->jump;
		sh->jump = J_NONE;
		sh_run_text(sh, action, sh->lineno);
		free(action);
		if (sh->jump == J_ABORT)
			sh->sig_pending = 0; // Ctrl-C in the action: drop the rest
		if (sh->jump == J_EXIT || sh->jump == J_ABORT)
			break; // `exit` in a trap: the shell ends with its status
		sh->status = status;
		sh->jump = jump;
	}
	sh->in_trap = 0;
}

int sh_wait_interrupted(struct sh *sh)
{
	unsigned pending = sh->sig_pending;
	for (int sig = 1; sig < 32; sig++) {
		if (!(pending & BIT(sig)))
			continue;
		if (sh->traps[sig] && sh->traps[sig][0])
			return sig; // left pending: the trap runs after `wait`
		if (sig == SH_SIGINT && sh->interactive) {
			sh->sig_pending &= ~BIT(sig); // Ctrl-C: handled by ending the wait
			return sig;
		}
	}
	return 0;
}

void sh_child_interrupted(struct sh *sh)
{
	const char *trap = sh->traps[SH_SIGINT];
	if (sh->sig_hard_ignored & BIT(SH_SIGINT))
		return; // the shell would not have died of it
	if (!trap || (trap[0] && sh->in_trap))
		sh_fatal(sh, 130); // as if the shell had died of the Ctrl-C too
				   // (in a trap action: that action ends)
	else if (trap[0])
		sh->sig_pending |= BIT(SH_SIGINT); // the trap runs, as it would have
}

// ---- background jobs without job control --------------------------------

void sh_bg_signals_begin(struct sh *sh, struct sh_bg_signals *b)
{
	b->active = !sh->interactive;
	if (!b->active)
		return;
	// Blocked while the shell ignores them for the spawn: one sent meanwhile
	// is not lost, but acted on as the shell would once unblocked.
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SH_SIGINT);
	sigaddset(&block, SH_SIGQUIT);
	sigprocmask(SIG_BLOCK, &block, &b->mask);
	struct sigaction ign;
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SH_SIGINT, &ign, &b->act[0]);
	sigaction(SH_SIGQUIT, &ign, &b->act[1]);
}

void sh_bg_signals_end(struct sh *sh, struct sh_bg_signals *b)
{
	(void)sh;
	if (!b->active)
		return;
	sigaction(SH_SIGINT, &b->act[0], NULL);
	sigaction(SH_SIGQUIT, &b->act[1], NULL);
	sigprocmask(SIG_SETMASK, &b->mask, NULL);
}
