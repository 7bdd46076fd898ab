// call_on_stack(top, fn, arg): run fn(arg) with the stack pointer at top
// (16-byte aligned, the end of a stack the caller owns), then return here
// on the caller's own stack. For code that must not use the stack it was
// called on: task_heap.c moves the pages of a heap an app may be running
// on, and the shell (user/sh.c) runs on a big stack it made in its heap.
// Kernel code has no SSE registers; app code (built with SSE) must also
// tell the compiler that the callee may change every xmm register.
#ifndef ARCH_X86_CALL_ON_STACK_H
#define ARCH_X86_CALL_ON_STACK_H

#ifdef __SSE__
#define CALL_ON_STACK_FP_CLOBBERS                                                \
	, "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", \
	  "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"
#else
#define CALL_ON_STACK_FP_CLOBBERS
#endif

static inline void call_on_stack(void *top, void (*fn)(void *), void *arg)
{
	// rbx is callee-saved: it keeps the old stack pointer across the call.
	asm volatile("mov %%rsp, %%rbx\n\t"
		     "mov %[top], %%rsp\n\t"
		     "call *%[fn]\n\t"
		     "mov %%rbx, %%rsp"
		     : "+D"(arg), [top] "+S"(top), [fn] "+d"(fn)
		     :
		     : "rax", "rbx", "rcx", "r8", "r9", "r10", "r11", "memory",
		       "cc" CALL_ON_STACK_FP_CLOBBERS);
}

#endif
