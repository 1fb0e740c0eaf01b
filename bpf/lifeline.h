/* SPDX-License-Identifier: MIT */
/*
 * The event contract of lifeline, declared once: the BPF programs
 * (bpf/lifeline.bpf.c), the native addon (native/addon.cc) and the TypeScript
 * constants (src/format/contract.generated.ts, written by
 * scripts/gen-contract.mjs) all expand the lists below. To add an event kind,
 * a flag or a vector, add one line to its list and rebuild (docs/architecture.md,
 * "The contract").
 *
 * Each list is an X-macro: LL_KINDS(X) calls X(...) once per entry, and each
 * user defines X to make what it needs (an enum, a table, a BPF program).
 */
#ifndef LIFELINE_H
#define LIFELINE_H

#define LL_NAME_LEN 64   /* exec filename, irq handler name, comm (16 used) */
#define LL_CTX_DEPTH 8   /* nested interrupt / timer-callback frames per CPU */
#define LL_STACK_DEPTH 40 /* frames kept of a kernel stack (deeper ones are cut, flagged) */
#define LL_STACK_IDS 65535 /* distinct stacks of one recording: ids 1..65535 (16 bits in a capture) */

/*
 * Recorded event kinds: X(NAME, value, "label", record). `record` is the layout
 * of the kind's record in the ring: 0 an ll_event, 1 an ll_name_event (an
 * ll_event followed by a name), 2 an ll_stack_event (an ll_event followed by
 * the stack's frames).
 */
#define LL_KINDS(X)                                                                           \
	X(SWITCH, 1, "switch", 0)               /* tid=prev, tid2=next, a=prev_state,           \
	                                           b=prev_prio, c=next_prio */                  \
	X(WAKING, 2, "waking", 0)               /* tid=target, tid2=current, a=target_cpu,      \
	                                           b=ctx id, addr=callback */                   \
	X(WAKEUP_NEW, 3, "wakeup_new", 0)       /* as WAKING, for a newly forked task */        \
	X(FORK, 4, "fork", 0)                   /* tid=child, tid2=parent, a=child tgid,        \
	                                           b=parent tgid */                             \
	X(EXEC, 5, "exec", 1)                   /* tid, tid2=old tid, a=tgid, name=filename */  \
	X(EXIT, 6, "exit", 0)                   /* tid, a=tgid, b=prio */                       \
	X(COMM, 7, "comm", 1)                   /* tid, a=tgid, name=comm, flags=reason */      \
	X(IRQ_ENTRY, 8, "irq_entry", 0)         /* a=irq number or LL_VEC_*, flag SYSVEC */     \
	X(IRQ_EXIT, 9, "irq_exit", 0)           /* as IRQ_ENTRY */                              \
	X(SOFTIRQ_ENTRY, 10, "softirq_entry", 0) /* a=softirq vector */                         \
	X(SOFTIRQ_EXIT, 11, "softirq_exit", 0)  /* a=softirq vector */                          \
	X(NMI, 12, "nmi", 0)                    /* b=duration ns, addr=handler; ts is the end */\
	X(IRQ_NAME, 13, "irq_name", 1)          /* a=irq number, name=handler name (once) */    \
	X(SYM, 14, "sym", 1)                    /* addr=kernel function, name=its symbol (once  \
	                                           per address); in a capture: c=symbol id */   \
	X(SOFTIRQ_RAISE, 15, "softirq_raise", 0) /* a=vector raised; the raiser: flags=ctx,     \
	                                           SYSVEC, UNSURE, b=ctx id, tid=current */     \
	X(HRTIMER_START, 16, "hrtimer_start", 0) /* a=timer id, tid2=expiry - ts (us),          \
	                                           addr=callback; armer as SOFTIRQ_RAISE */     \
	X(TIMER_START, 17, "timer_start", 0)    /* as HRTIMER_START, for a timer_list timer */  \
	X(TIMER_EXPIRE, 18, "timer_expire", 0)  /* a=timer id, addr=callback, flags=ctx, b=ctx  \
	                                           id, tid=current: once per timer callback     \
	                                           that wakes a task, before its first waking */\
	X(HRTIMER_EXPIRE_ENTRY, 19, "hrtimer_expire_entry", 0) /* a=timer id, addr=callback,    \
	                                           tid=current; every hrtimer callback, when    \
	                                           irq spans are recorded */                    \
	X(HRTIMER_EXPIRE_EXIT, 20, "hrtimer_expire_exit", 0) /* a=timer id, tid=current */ \
	X(STACK, 21, "stack", 2)                /* a kernel stack, once per recording, before \
	                                           the first event that uses it: tid=stack id, \
	                                           a=frames, flags=LL_STACK_F_*; in a capture: \
	                                           name=the frames as symbols, innermost first */ \
	X(WORK_QUEUE, 22, "work_queue", 0)      /* a=work id, tid2=target cpu (-1: unbound),     \
	                                           addr=work function; the queuer as             \
	                                           SOFTIRQ_RAISE (a timer callback that queues   \
	                                           is named first by its TIMER_EXPIRE) */ \
	X(WORK_START, 23, "work_start", 0)      /* a=work id, addr=work function, tid=current    \
	                                           (the worker), flags=ctx, b=ctx id (a BH       \
	                                           workqueue runs its items in a softirq) */     \
	X(WORK_END, 24, "work_end", 0)          /* a=work id, tid=current, flags=ctx, b=ctx id */

/* Timer identity (a of HRTIMER_START / TIMER_START / TIMER_EXPIRE) and work identity
 * (a of WORK_QUEUE / WORK_START / WORK_END): the timer's or work item's kernel address
 * folded to 32 bits, low half XOR high half. */

/*
 * Not a recorded kind: the kind of a capture's own rows (the Arrow trailer that
 * holds the meta document). Outside the recorded range, so kinds can be added.
 */
#define LL_KIND_META 255

/* Wakeup contexts, in flags & LL_F_CTX_MASK of WAKING / WAKEUP_NEW: X(NAME, value, "label"). */
#define LL_CTXS(X)                   \
	X(TASK, 0, "task")           \
	X(HARDIRQ, 1, "hardirq")     \
	X(SOFTIRQ, 2, "softirq")     \
	X(NMI, 3, "nmi")

/* Flag bits of ll_event.flags: X(NAME, value). */
#define LL_FLAGS(X)                                                                     \
	X(CTX_MASK, 0x03)  /* waking: the context (LL_CTXS) */                          \
	X(REMOTE, 0x04)    /* waking: target cpu != this cpu */                         \
	X(IDLE, 0x08)      /* waking: the idle task was current */                      \
	X(ON_RQ, 0x10)     /* waking: target still runnable, not asleep (spurious) */   \
	X(SYSVEC, 0x20)    /* waking / irq: id is an x86 system vector (LL_VEC_*) */    \
	X(UNSURE, 0x40)    /* waking: context not yet known on this cpu */              \
	X(PREEMPT, 0x80)   /* switch: prev was preempted (still runnable) */

/* Flag bits of STACK records: X(NAME, value). */
#define LL_STACK_FLAGS(X)                                                           \
	X(TRUNCATED, 0x01) /* the stack was deeper than LL_STACK_DEPTH frames: cut */

/*
 * Stacks that could not be given to an event (the event then carries stack id 0),
 * counted per CPU in the stack_fails map: X(NAME, index, "label").
 */
#define LL_STACK_FAILS(X)                                                               \
	X(UNTAKEN, 0, "untaken") /* the kernel could not walk the stack */              \
	X(FULL, 1, "full")       /* LL_STACK_IDS distinct stacks already recorded */    \
	X(LOST, 2, "lost")       /* the stack's record found the ring buffer full */

/* Reasons of COMM events (in flags): X(NAME, value, "label"). */
#define LL_COMM_REASONS(X)         \
	X(SEEN, 0, "seen")         \
	X(FORK, 1, "fork")         \
	X(EXEC, 2, "exec")         \
	X(RENAME, 3, "rename")

/*
 * x86 system vectors, as traced by irq_vectors:<tracepoint>_entry/exit:
 * X(NAME, value, tracepoint, x86 vector number of arch/x86/include/asm/irq_vectors.h).
 * The tracepoint token names the BPF programs; the vector number is what
 * Perfetto's ftrace events carry.
 */
#define LL_SYSVECS(X)                                                   \
	X(LOCAL_TIMER, 1, local_timer, 0xec)                            \
	X(RESCHEDULE, 2, reschedule, 0xfd)                              \
	X(CALL_FUNCTION, 3, call_function, 0xfc)                        \
	X(CALL_FUNCTION_SINGLE, 4, call_function_single, 0xfb)          \
	X(IRQ_WORK, 5, irq_work, 0xf6)                                  \
	X(X86_PLATFORM_IPI, 6, x86_platform_ipi, 0xf7)                  \
	X(THERMAL_APIC, 7, thermal_apic, 0xfa)                          \
	X(ERROR_APIC, 8, error_apic, 0xfe)                              \
	X(SPURIOUS_APIC, 9, spurious_apic, 0xff)                        \
	X(DEFERRED_ERROR, 10, deferred_error, 0xf4)                     \
	X(THRESHOLD_APIC, 11, threshold_apic, 0xf9)

/*
 * The tracepoints lifeline attaches a BPF program to (each a tp_btf program of
 * the same name in lifeline.bpf.c), besides the system vectors' entry/exit
 * pairs above: X(tracepoint, required). A required one missing from the
 * kernel's BTF fails the recording; an optional one is skipped and named in
 * the capture's meta.
 */
#define LL_TRACEPOINTS(X)               \
	X(sched_switch, 1)              \
	X(sched_waking, 1)              \
	X(sched_wakeup_new, 1)          \
	X(sched_process_fork, 1)        \
	X(sched_process_exec, 1)        \
	X(sched_process_exit, 1)        \
	X(softirq_raise, 1)             \
	X(hrtimer_start, 1)             \
	X(timer_start, 1)               \
	X(task_rename, 0)               \
	X(irq_handler_entry, 0)         \
	X(irq_handler_exit, 0)          \
	X(softirq_entry, 0)             \
	X(softirq_exit, 0)              \
	X(hrtimer_expire_entry, 0)      \
	X(hrtimer_expire_exit, 0)       \
	X(timer_expire_entry, 0)        \
	X(timer_expire_exit, 0)         \
	X(nmi_handler, 0)               \
	X(workqueue_queue_work, 0)      \
	X(workqueue_execute_start, 0)   \
	X(workqueue_execute_end, 0)

/* Linux softirq vectors (include/linux/interrupt.h): X(NAME, value). */
#define LL_SOFTIRQS(X)      \
	X(HI, 0)            \
	X(TIMER, 1)         \
	X(NET_TX, 2)        \
	X(NET_RX, 3)        \
	X(BLOCK, 4)         \
	X(IRQ_POLL, 5)      \
	X(TASKLET, 6)       \
	X(SCHED, 7)         \
	X(HRTIMER, 8)       \
	X(RCU, 9)

#define LL_X_ENUM(name, value, ...) LL_##name = value,
enum ll_kind { LL_KINDS(LL_X_ENUM) };
#undef LL_X_ENUM

#define LL_X_ENUM(name, value, ...) LL_CTX_##name = value,
enum ll_ctx { LL_CTXS(LL_X_ENUM) };
#undef LL_X_ENUM

#define LL_X_ENUM(name, value, ...) LL_F_##name = value,
enum ll_flag { LL_FLAGS(LL_X_ENUM) };
#undef LL_X_ENUM

#define LL_X_ENUM(name, value, ...) LL_STACK_F_##name = value,
enum ll_stack_flag { LL_STACK_FLAGS(LL_X_ENUM) };
#undef LL_X_ENUM

#define LL_X_ENUM(name, value, ...) LL_STACK_FAIL_##name = value,
enum ll_stack_fail { LL_STACK_FAILS(LL_X_ENUM) LL_STACK_FAIL_COUNT };
#undef LL_X_ENUM

#define LL_X_ENUM(name, value, ...) LL_COMM_##name = value,
enum ll_comm_reason { LL_COMM_REASONS(LL_X_ENUM) };
#undef LL_X_ENUM

#define LL_X_ENUM(name, value, ...) LL_VEC_##name = value,
enum ll_vec { LL_SYSVECS(LL_X_ENUM) };
#undef LL_X_ENUM

#define LL_X_ENUM(name, value, ...) LL_SOFTIRQ_##name = value,
enum ll_softirq { LL_SOFTIRQS(LL_X_ENUM) };
#undef LL_X_ENUM

/*
 * The record every event starts with: X(field, C type, offset). Fixed-size
 * fields, explicit offsets (asserted below); kinds with a name append one.
 */
#define LL_EVENT_FIELDS(X)                                                            \
	X(ts, unsigned long long, 0)    /* CLOCK_MONOTONIC ns */                      \
	X(cpu, unsigned short, 8)                                                     \
	X(kind, unsigned char, 10)      /* LL_KINDS */                                \
	X(flags, unsigned char, 11)     /* LL_FLAGS, or a LL_COMM_REASONS value */    \
	X(tid, int, 12)                                                               \
	X(tid2, int, 16)                                                              \
	X(a, int, 20)                                                                 \
	X(b, int, 24)                                                                 \
	X(c, int, 28)                                                                 \
	X(addr, unsigned long long, 32) /* kernel address of a callback or handler, or 0 */   \
	X(stack, unsigned int, 40)      /* STACK id: switch into S or D, the stack it slept  \
	                                   in; waking, the waker's (or interrupt's) stack;    \
	                                   0 = none */                                        \
	X(spare, unsigned int, 44)

#define LL_EVENT_SIZE 48
#define LL_NAME_OFFSET LL_EVENT_SIZE
#define LL_NAME_EVENT_SIZE (LL_EVENT_SIZE + LL_NAME_LEN)
#define LL_STACK_OFFSET LL_EVENT_SIZE
#define LL_STACK_EVENT_SIZE (LL_EVENT_SIZE + 8 * LL_STACK_DEPTH)

#define LL_X_FIELD(name, type, offset) type name;
struct ll_event { LL_EVENT_FIELDS(LL_X_FIELD) };
#undef LL_X_FIELD

struct ll_name_event {
	struct ll_event e;
	char name[LL_NAME_LEN];
};

struct ll_stack_event {
	struct ll_event e;
	unsigned long long ip[LL_STACK_DEPTH]; /* innermost first; unused frames 0 */
};

#ifdef __cplusplus
#define LL_STATIC_ASSERT static_assert
#else
#define LL_STATIC_ASSERT _Static_assert
#endif
LL_STATIC_ASSERT(sizeof(struct ll_event) == LL_EVENT_SIZE, "ll_event layout changed");
LL_STATIC_ASSERT(sizeof(struct ll_name_event) == LL_NAME_EVENT_SIZE, "ll_name_event layout changed");
LL_STATIC_ASSERT(__builtin_offsetof(struct ll_name_event, name) == LL_NAME_OFFSET, "name offset changed");
LL_STATIC_ASSERT(sizeof(struct ll_stack_event) == LL_STACK_EVENT_SIZE, "ll_stack_event layout changed");
LL_STATIC_ASSERT(__builtin_offsetof(struct ll_stack_event, ip) == LL_STACK_OFFSET, "stack offset changed");
#define LL_X_CHECK(name, type, offset) \
	LL_STATIC_ASSERT(__builtin_offsetof(struct ll_event, name) == (offset), "offset of " #name " changed");
LL_EVENT_FIELDS(LL_X_CHECK)
#undef LL_X_CHECK
/* Every recorded kind fits the u8 kind field and stays below LL_KIND_META. */
#define LL_X_CHECK(name, value, ...) \
	LL_STATIC_ASSERT((value) > 0 && (value) < LL_KIND_META, "kind " #name " collides with LL_KIND_META");
LL_KINDS(LL_X_CHECK)
#undef LL_X_CHECK
LL_STATIC_ASSERT(LL_KIND_META <= 255, "LL_KIND_META must fit the u8 kind field");

#endif /* LIFELINE_H */
