/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* User-space stand-in for <linux/atomic.h>: see ../README.md. */
#ifndef PANICQR_COMPAT_LINUX_ATOMIC_H
#define PANICQR_COMPAT_LINUX_ATOMIC_H

#include <linux/types.h>

typedef struct {
	int counter;
} atomic_t;

#define ATOMIC_INIT(i) { (i) }

/* Fully ordered, as in the kernel; returns the value found. */
static inline int atomic_cmpxchg(atomic_t *v, int old, int new)
{
	__atomic_compare_exchange_n(&v->counter, &old, new, false, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	return old;
}

static inline void atomic_set_release(atomic_t *v, int i)
{
	__atomic_store_n(&v->counter, i, __ATOMIC_RELEASE);
}

#endif
