// Atomic integers: atomic_t (int) and atomic64_t (s64), with Linux's names.
//
// Every operation is a single __atomic builtin with sequentially consistent
// ordering (on x86 a LOCK-prefixed instruction, or a plain load/store for
// read/set), so an atomic operation also orders the memory accesses around
// it. Wrapping the value in a struct keeps a plain "x++" from compiling.
//
//   atomic_read / atomic_set          load / store
//   atomic_inc / atomic_dec           add / subtract one
//   atomic_add / atomic_sub           add / subtract i
//   atomic_add_return / _sub_return   ... and return the new value
//   atomic_inc_return / _dec_return   ... by one, returning the new value
//   atomic_dec_and_test               true when the new value is zero
//   atomic_xchg                       store, returning the old value
//   atomic_cmpxchg(v, old, new)       store new if the value is old;
//                                     returns the value found (== old on
//                                     success), as Linux does
//   atomic_inc_not_zero               add one unless the value is zero;
//                                     true if it added (a reference taken
//                                     only from a live object)
// The atomic64_* family is the same on 64-bit values.
#ifndef KERNEL_ATOMIC_H
#define KERNEL_ATOMIC_H

#include "kernel/types.h"

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	s64 counter;
} atomic64_t;

#define ATOMIC_INIT(i) { (i) }
#define ATOMIC64_INIT(i) { (i) }

// ---- atomic_t ----
static inline int atomic_read(const atomic_t *v)
{
	return __atomic_load_n(&v->counter, __ATOMIC_SEQ_CST);
}
static inline void atomic_set(atomic_t *v, int i)
{
	__atomic_store_n(&v->counter, i, __ATOMIC_SEQ_CST);
}
static inline int atomic_add_return(int i, atomic_t *v)
{
	return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}
static inline int atomic_sub_return(int i, atomic_t *v)
{
	return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}
static inline void atomic_add(int i, atomic_t *v) { atomic_add_return(i, v); }
static inline void atomic_sub(int i, atomic_t *v) { atomic_sub_return(i, v); }
static inline void atomic_inc(atomic_t *v) { atomic_add_return(1, v); }
static inline void atomic_dec(atomic_t *v) { atomic_sub_return(1, v); }
static inline int atomic_inc_return(atomic_t *v) { return atomic_add_return(1, v); }
static inline int atomic_dec_return(atomic_t *v) { return atomic_sub_return(1, v); }
static inline bool atomic_dec_and_test(atomic_t *v) { return atomic_sub_return(1, v) == 0; }
static inline int atomic_xchg(atomic_t *v, int i)
{
	return __atomic_exchange_n(&v->counter, i, __ATOMIC_SEQ_CST);
}
static inline int atomic_cmpxchg(atomic_t *v, int old, int new_value)
{
	__atomic_compare_exchange_n(&v->counter, &old, new_value, false, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	return old; // the value found: equal to the old argument on success
}

static inline bool atomic_inc_not_zero(atomic_t *v)
{
	int c = atomic_read(v);
	while (c != 0) {
		int seen = atomic_cmpxchg(v, c, c + 1);
		if (seen == c)
			return true;
		c = seen;
	}
	return false;
}

// ---- atomic64_t ----
static inline s64 atomic64_read(const atomic64_t *v)
{
	return __atomic_load_n(&v->counter, __ATOMIC_SEQ_CST);
}
static inline void atomic64_set(atomic64_t *v, s64 i)
{
	__atomic_store_n(&v->counter, i, __ATOMIC_SEQ_CST);
}
static inline s64 atomic64_add_return(s64 i, atomic64_t *v)
{
	return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}
static inline s64 atomic64_sub_return(s64 i, atomic64_t *v)
{
	return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}
static inline void atomic64_add(s64 i, atomic64_t *v) { atomic64_add_return(i, v); }
static inline void atomic64_sub(s64 i, atomic64_t *v) { atomic64_sub_return(i, v); }
static inline void atomic64_inc(atomic64_t *v) { atomic64_add_return(1, v); }
static inline void atomic64_dec(atomic64_t *v) { atomic64_sub_return(1, v); }
static inline s64 atomic64_inc_return(atomic64_t *v) { return atomic64_add_return(1, v); }
static inline s64 atomic64_dec_return(atomic64_t *v) { return atomic64_sub_return(1, v); }
static inline bool atomic64_dec_and_test(atomic64_t *v) { return atomic64_sub_return(1, v) == 0; }
static inline s64 atomic64_xchg(atomic64_t *v, s64 i)
{
	return __atomic_exchange_n(&v->counter, i, __ATOMIC_SEQ_CST);
}
static inline s64 atomic64_cmpxchg(atomic64_t *v, s64 old, s64 new_value)
{
	__atomic_compare_exchange_n(&v->counter, &old, new_value, false, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	return old; // the value found: equal to the old argument on success
}

#endif
