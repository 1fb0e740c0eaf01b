/* SPDX-License-Identifier: MIT */
/*
 * The event contract of lifeline: one header shared by the BPF programs
 * (bpf/lifeline.bpf.c) and user space (native/addon.cc). The TypeScript
 * decoder (src/record/event-layout.ts) mirrors it; test/record/layout.test.ts
 * checks both against the sizes and offsets the addon reports.
 */
#ifndef LIFELINE_H
#define LIFELINE_H

#define LL_NAME_LEN 64   /* exec filename, irq handler name, comm (16 used) */
#define LL_CTX_DEPTH 8   /* nested interrupt / timer-callback frames per CPU */

enum ll_kind {
	LL_SWITCH = 1,        /* tid=prev, tid2=next, a=prev_state, b=prev_prio, c=next_prio */
	LL_WAKING = 2,        /* tid=target, tid2=current, a=target_cpu, b=ctx id, addr=callback */
	LL_WAKEUP_NEW = 3,    /* as LL_WAKING, for a newly forked task */
	LL_FORK = 4,          /* tid=child, tid2=parent, a=child tgid, b=parent tgid */
	LL_EXEC = 5,          /* tid, tid2=old tid, a=tgid, name=filename */
	LL_EXIT = 6,          /* tid, a=tgid, b=prio */
	LL_COMM = 7,          /* tid, a=tgid, name=comm, flags=LL_COMM_* reason */
	LL_IRQ_ENTRY = 8,     /* a=irq number or LL_VEC_*, flags LL_F_SYSVEC */
	LL_IRQ_EXIT = 9,      /* as LL_IRQ_ENTRY */
	LL_SOFTIRQ_ENTRY = 10,/* a=softirq vector */
	LL_SOFTIRQ_EXIT = 11, /* a=softirq vector */
	LL_NMI = 12,          /* b=duration ns, addr=handler; ts is the end */
	LL_IRQ_NAME = 13,     /* a=irq number, name=handler name (once per irq) */
	LL_SYM = 14,          /* addr=kernel function, name=its symbol (once per address);
	                         in a capture: c=symbol id, name=symbol */
	LL_KIND_MAX = 15,
};

/* Wakeup context: flags & LL_F_CTX_MASK of LL_WAKING / LL_WAKEUP_NEW. */
enum ll_ctx {
	LL_CTX_TASK = 0,
	LL_CTX_HARDIRQ = 1,
	LL_CTX_SOFTIRQ = 2,
	LL_CTX_NMI = 3,
};

#define LL_F_CTX_MASK   0x03
#define LL_F_REMOTE     0x04 /* waking: target cpu != this cpu */
#define LL_F_IDLE       0x08 /* waking: the idle task was current */
#define LL_F_ON_RQ      0x10 /* waking: target still runnable, not asleep (spurious) */
#define LL_F_SYSVEC     0x20 /* waking / irq: id is an x86 system vector (LL_VEC_*) */
#define LL_F_UNSURE     0x40 /* waking: context not yet known on this cpu */
#define LL_F_PREEMPT    0x80 /* switch: prev was preempted (still runnable) */

/* Reasons of LL_COMM events (in flags). */
enum ll_comm_reason {
	LL_COMM_SEEN = 0,
	LL_COMM_FORK = 1,
	LL_COMM_EXEC = 2,
	LL_COMM_RENAME = 3,
};

/* x86 system vectors, as traced by irq_vectors:*_entry/exit. */
enum ll_vec {
	LL_VEC_LOCAL_TIMER = 1,
	LL_VEC_RESCHEDULE = 2,
	LL_VEC_CALL_FUNCTION = 3,
	LL_VEC_CALL_FUNCTION_SINGLE = 4,
	LL_VEC_IRQ_WORK = 5,
	LL_VEC_X86_PLATFORM_IPI = 6,
	LL_VEC_THERMAL_APIC = 7,
	LL_VEC_ERROR_APIC = 8,
	LL_VEC_SPURIOUS_APIC = 9,
	LL_VEC_DEFERRED_ERROR = 10,
	LL_VEC_THRESHOLD_APIC = 11,
};

/* Every record starts with this; kinds with a name append ll_name. */
struct ll_event {
	unsigned long long ts;   /* CLOCK_MONOTONIC ns */
	unsigned short cpu;
	unsigned char kind;      /* enum ll_kind */
	unsigned char flags;     /* LL_F_* or enum ll_comm_reason */
	int tid;
	int tid2;
	int a;
	int b;
	int c;
	unsigned long long addr; /* kernel address of a callback or handler, or 0 */
};

struct ll_name_event {
	struct ll_event e;
	char name[LL_NAME_LEN];
};

#ifdef __cplusplus
#define LL_STATIC_ASSERT static_assert
#else
#define LL_STATIC_ASSERT _Static_assert
#endif
LL_STATIC_ASSERT(sizeof(struct ll_event) == 40, "ll_event layout changed");
LL_STATIC_ASSERT(sizeof(struct ll_name_event) == 104, "ll_name_event layout changed");

#endif /* LIFELINE_H */
