/* Context switch: from one task's kernel stack to another's.
 *
 * void switch_context(u64 *prev_rsp, u64 next_rsp, void *prev_fpu, void *next_fpu)
 *
 * Called by the scheduler (kernel/sched.c) with interrupts off and the run
 * queue locked. Saves the outgoing task's FPU/SSE state (fxsave) and its
 * callee-saved registers on its own stack, stores its stack pointer in
 * *prev_rsp, loads next_rsp and the incoming task's FPU/SSE state, pops its
 * callee-saved registers and returns -- into the incoming task's own call
 * of switch_context, or, for a task that has never run, into task_entry.
 * The caller-saved registers need no saving: the C compiler already
 * assumes a call clobbers them.
 *
 * A new task's stack (kernel/task.c) is laid out so that the pops load
 * r12 = fn, r13 = arg and the ret goes to task_entry. */

	.text
	.global switch_context
switch_context:
	fxsave64 (%rdx)
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	fxrstor64 (%rcx)
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/* First run of a new task: finish the switch, then fn(arg), then exit. */
	.global task_entry
task_entry:
	xorl %ebp, %ebp		/* end of the backtrace */
	movq %r12, %rdi
	movq %r13, %rsi
	andq $-16, %rsp
	call task_first_run	/* never returns */
	ud2
