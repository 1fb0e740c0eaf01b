// SPDX-License-Identifier: GPL-2.0
/*
 * lifeline's recorder: raw scheduler facts into one ring buffer.
 *
 * Wakeup context comes from a per-CPU stack of interrupt and timer-callback
 * frames kept from the entry/exit tracepoints (docs/architecture.md, "Wakeup context"):
 * on this kernel __preempt_count is in BTF but not in kallsyms, so it cannot
 * be read as a ksym. A sched_switch never happens inside an interrupt, so
 * each switch resets the stack and marks the CPU's context as known.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "lifeline.h"

char LICENSE[] SEC("license") = "GPL";

/* Settings, fixed at load time by user space. */
const volatile bool irq_spans = true;       /* emit irq/softirq/nmi span events */
const volatile int targ_tgid = 0;           /* 0: whole machine */
const volatile unsigned long long wakeup_bytes = 1 << 20;
const volatile bool kernel_stacks = true;   /* STACK ids on sleeps and wakings */
const volatile __u32 max_stacks = LL_STACK_IDS; /* distinct stacks kept (tests lower it) */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 32 << 20); /* resized by user space before load */
} events SEC(".maps");

/* Reservation failures, per CPU: never dropped silently. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

enum frame_kind { F_NONE = 0, F_HARDIRQ, F_SOFTIRQ, F_NMI, F_HRTIMER, F_TIMER };

struct frame {
	__u8 kind;
	__u8 flags;   /* LL_F_SYSVEC on hardirq frames, F_EXPIRE_SENT on timer frames */
	__u16 id;
	__u32 timer;  /* timer frames: the timer's id (timer_id) */
	__u64 addr;
};

/* A timer frame whose LL_TIMER_EXPIRE was already emitted. */
#define F_EXPIRE_SENT 0x80

/* The timer and work identity of lifeline.h: the kernel address in the program's
 * argument n, folded to 32 bits. (The verifier forbids arithmetic on the typed
 * pointer itself, so the raw argument is read as a number.) */
static __always_inline __u32 arg_id(unsigned long long *ctx, int n)
{
	__u64 p = 0;
	bpf_probe_read_kernel(&p, sizeof(p), &ctx[n]);
	return (__u32)p ^ (__u32)(p >> 32);
}

#define timer_id(ctx) arg_id(ctx, 0)

struct cpu_ctx {
	__u32 depth;
	__u32 synced;
	struct frame f[LL_CTX_DEPTH];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cpu_ctx);
} ctxs SEC(".maps");

/* Threads whose name was already emitted (tid -> 1). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} seen SEC(".maps");

/* IRQ numbers whose handler name was already emitted. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u8);
} irq_seen SEC(".maps");

static __always_inline void *reserve(__u32 size)
{
	void *e = bpf_ringbuf_reserve(&events, size, 0);
	if (!e) {
		__u32 zero = 0;
		__u64 *n = bpf_map_lookup_elem(&lost, &zero);
		if (n)
			*n += 1;
	}
	return e;
}

/* When this CPU last forced a wakeup of the reader (ns), above the threshold. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} woke_at SEC(".maps");

/* The reader also polls every 100 ms: a CPU that finds the threshold passed
 * forces a wakeup at most this often. */
#define WAKE_INTERVAL_NS (100ULL * 1000 * 1000)

/* size: the record with its 8-byte ring header. */
static __always_inline void submit(void *e, __u32 size)
{
	/* Wake the reader when a good batch is waiting: once, as this record takes
	 * the unread data over the threshold, and, should that moment be missed (a
	 * racing CPU) or the reader lag behind, at most once per interval per CPU.
	 * Never once per event: each forced wakeup is an irq_work interrupt on this
	 * CPU, two more events, and load that lifeline itself added to what it measures. */
	__u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	__u64 flags = BPF_RB_NO_WAKEUP;
	if (avail >= wakeup_bytes) {
		__u32 zero = 0;
		__u64 now = bpf_ktime_get_ns();
		__u64 *at = bpf_map_lookup_elem(&woke_at, &zero);
		if (avail - size < wakeup_bytes || (at && now - *at >= WAKE_INTERVAL_NS)) {
			flags = BPF_RB_FORCE_WAKEUP;
			if (at)
				*at = now;
		}
	}
	bpf_ringbuf_submit(e, flags);
}

static __always_inline void fill(struct ll_event *e, __u8 kind, __u8 flags)
{
	e->ts = bpf_ktime_get_ns();
	e->cpu = bpf_get_smp_processor_id();
	e->kind = kind;
	e->flags = flags;
	e->tid = 0;
	e->tid2 = 0;
	e->a = 0;
	e->b = 0;
	e->c = 0;
	e->addr = 0;
	e->stack = 0;
	e->spare = 0;
}

static __always_inline bool wanted(int tgid1, int tgid2)
{
	return targ_tgid == 0 || tgid1 == targ_tgid || tgid2 == targ_tgid;
}

static __always_inline void emit_comm(struct task_struct *t, const char *comm, __u8 reason)
{
	struct ll_name_event *e = reserve(sizeof(*e));
	if (!e)
		return;
	fill(&e->e, LL_COMM, reason);
	e->e.tid = BPF_CORE_READ(t, pid);
	e->e.a = BPF_CORE_READ(t, tgid);
	__builtin_memset(e->name, 0, sizeof(e->name));
	if (comm)
		bpf_probe_read_kernel_str(e->name, 16, comm);
	else
		bpf_probe_read_kernel_str(e->name, 16, t->comm);
	submit(e, sizeof(*e) + 8);
}

/* Emit a thread's name the first time it shows up (and after tid reuse). */
static __always_inline void note_task(struct task_struct *t)
{
	__u32 tid = BPF_CORE_READ(t, pid);
	__u8 one = 1;
	if (tid == 0 || bpf_map_lookup_elem(&seen, &tid))
		return;
	bpf_map_update_elem(&seen, &tid, &one, BPF_ANY);
	emit_comm(t, 0, LL_COMM_SEEN);
}

/* Callback addresses whose symbol name was already emitted. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} sym_seen SEC(".maps");

/* Name a kernel function the first time it shows up, so that user space never has
 * to read /proc/kallsyms (slow to read, and root-only). */
static __always_inline void note_sym(__u64 addr)
{
	__u8 one = 1;
	if (!addr || bpf_map_lookup_elem(&sym_seen, &addr))
		return;
	bpf_map_update_elem(&sym_seen, &addr, &one, BPF_ANY);
	struct ll_name_event *e = reserve(sizeof(*e));
	if (!e)
		return;
	fill(&e->e, LL_SYM, 0);
	e->e.addr = addr;
	__builtin_memset(e->name, 0, sizeof(e->name));
	bpf_snprintf(e->name, sizeof(e->name), "%ps", &addr, sizeof(addr));
	submit(e, sizeof(*e) + 8);
}

/* ---- kernel stacks ---- */

/*
 * Each distinct stack is recorded once, as a STACK record before the first event
 * that uses it; events carry its id. The table is keyed by the frames themselves
 * (never by a hash of them, which confuses colliding stacks), so an id always
 * names exactly the frames it was given for.
 */
struct stack_frames {
	__u64 ip[LL_STACK_DEPTH];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LL_STACK_IDS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct stack_frames);
	__type(value, __u32);
} stack_ids SEC(".maps");

/* Where a stack is taken (too large for the BPF stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stack_frames);
} stack_scratch SEC(".maps");

/* Stacks an event could not be given, per reason (LL_STACK_FAILS), per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LL_STACK_FAIL_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} stack_fails SEC(".maps");

#define STACK_SKIP 2

/* The interrupt entry code (x86: the asm_* stubs), [__irqentry_text_start, __irqentry_text_end):
 * set at load by user space, which finds both in the first lines of kallsyms (libbpf would read
 * and parse the whole file for them); 0 when unknown. */
const volatile __u64 irqentry_lo = 0;
const volatile __u64 irqentry_hi = 0;

/* The last stack id handed out. */
__u32 last_stack_id = 0;

static __always_inline __u32 stack_fail(__u32 why)
{
	__u64 *n = bpf_map_lookup_elem(&stack_fails, &why);
	if (n)
		*n += 1;
	return 0;
}

/* The id of the current kernel stack (announcing it if new), or 0 when it cannot be had. */
static __always_inline __u32 take_stack(void *ctx)
{
	if (!kernel_stacks)
		return 0;
	__u32 zero = 0;
	struct stack_frames *k = bpf_map_lookup_elem(&stack_scratch, &zero);
	if (!k)
		return 0;
	/* The helper zeroes what it does not fill, so the key has no stale frames. The first
	 * STACK_SKIP frames are this program and the tracepoint's runner (bpf_trace_run<n>). */
	long n = bpf_get_stack(ctx, k->ip, sizeof(k->ip), STACK_SKIP & BPF_F_SKIP_FIELD_MASK);
	if (n <= 0)
		return stack_fail(LL_STACK_FAIL_UNTAKEN);
	/* In an interrupt, the stack ends at the interrupt's entry: the interrupted code below
	 * it is not the waker, and would make a new stack of every interrupted place. */
	__u64 lo = irqentry_lo, hi = irqentry_hi;
	if (lo && hi > lo) {
		bool cut = false;
		for (int i = 0; i < LL_STACK_DEPTH; i++) {
			if (cut) {
				k->ip[i] = 0;
			} else if (k->ip[i] >= lo && k->ip[i] < hi) {
				cut = true;
				n = (i + 1) * 8;
			}
		}
	}
	__u32 *found = bpf_map_lookup_elem(&stack_ids, k);
	if (found)
		return *found;
	if (last_stack_id >= max_stacks)
		return stack_fail(LL_STACK_FAIL_FULL);
	__u32 id = __sync_fetch_and_add(&last_stack_id, 1) + 1;
	if (id > max_stacks)
		return stack_fail(LL_STACK_FAIL_FULL);
	if (bpf_map_update_elem(&stack_ids, k, &id, BPF_NOEXIST)) {
		/* Another CPU recorded the same frames first: its id stands. */
		found = bpf_map_lookup_elem(&stack_ids, k);
		if (found)
			return *found;
		return stack_fail(LL_STACK_FAIL_FULL);
	}
	struct ll_stack_event *e = reserve(sizeof(*e));
	if (!e) {
		/* Never an id without its frames: forget it, so that the next use retries. */
		bpf_map_delete_elem(&stack_ids, k);
		return stack_fail(LL_STACK_FAIL_LOST);
	}
	fill(&e->e, LL_STACK, n >= (long)sizeof(k->ip) ? LL_STACK_F_TRUNCATED : 0);
	e->e.tid = id;
	e->e.a = (__u32)n / 8;
	__builtin_memcpy(e->ip, k->ip, sizeof(e->ip));
	submit(e, sizeof(*e) + 8);
	return id;
}

/* ---- the context stack ---- */

static __always_inline struct cpu_ctx *cpu_ctx(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&ctxs, &zero);
}

static __always_inline void push(__u8 kind, __u8 flags, __u16 id, __u64 addr, __u32 timer)
{
	struct cpu_ctx *c = cpu_ctx();
	if (!c)
		return;
	__u32 d = c->depth;
	if (d >= LL_CTX_DEPTH)
		return;
	c->f[d].kind = kind;
	c->f[d].flags = flags;
	c->f[d].id = id;
	c->f[d].addr = addr;
	c->f[d].timer = timer;
	c->depth = d + 1;
}

/* Pop the innermost frame of this kind; frames above it were left by a
 * missed exit (attach races) and go with it. */
static __always_inline void pop(__u8 kind)
{
	struct cpu_ctx *c = cpu_ctx();
	if (!c)
		return;
	__u32 d = c->depth;
	for (int i = LL_CTX_DEPTH - 1; i >= 0; i--) {
		if ((__u32)i < d && c->f[i].kind == kind) {
			c->depth = i;
			return;
		}
	}
}

struct wctx {
	__u8 flags;
	__u16 id;
	__u64 addr;
	/* the innermost timer frame (its callback is addr), -1 when none */
	int timer_frame;
};

/* The innermost interrupt frame names the context; a timer callback above
 * it names the function that ran the wakeup. */
/* A global function: the verifier checks it once, not once per program that calls it
 * (waking, wakeup_new, softirq_raise, hrtimer_start, timer_start). */
__noinline int wake_context(struct wctx *w)
{
	if (!w)
		return 0;
	struct cpu_ctx *c = cpu_ctx();
	w->flags = LL_CTX_TASK;
	w->id = 0;
	w->addr = 0;
	w->timer_frame = -1;
	if (!c) {
		w->flags |= LL_F_UNSURE;
		return 0;
	}
	__u32 d = c->depth;
	bool found = false;
	for (int i = LL_CTX_DEPTH - 1; i >= 0; i--) {
		if (found || (__u32)i >= d)
			continue;
		struct frame *f = &c->f[i];
		if (f->kind == F_HRTIMER || f->kind == F_TIMER) {
			if (!w->addr) {
				w->addr = f->addr;
				w->timer_frame = i;
			}
			if (f->kind == F_TIMER) {
				/* timer_list callbacks run in the TIMER softirq */
				w->flags = LL_CTX_SOFTIRQ;
				w->id = LL_SOFTIRQ_TIMER;
			}
			continue;
		}
		if (f->kind == F_HARDIRQ)
			w->flags = LL_CTX_HARDIRQ | (f->flags & LL_F_SYSVEC);
		else if (f->kind == F_SOFTIRQ)
			w->flags = LL_CTX_SOFTIRQ;
		else if (f->kind == F_NMI)
			w->flags = LL_CTX_NMI;
		w->id = f->id;
		found = true;
	}
	if (!found && w->addr && (w->flags & LL_F_CTX_MASK) == LL_CTX_TASK) {
		/* a timer callback with its interrupt entry missed */
		w->flags |= LL_F_UNSURE;
	}
	if (!c->synced)
		w->flags |= LL_F_UNSURE;
	return 0;
}

/* ---- causation: softirq raises, timer arming and expiry ---- */

/* Once per timer callback that wakes a task: which timer fired, so that user
 * space can match it to its arming (LL_*TIMER_START with the same id). */
static __always_inline void note_expire(struct wctx *w, int cur_tid)
{
	struct cpu_ctx *c = cpu_ctx();
	int i = w->timer_frame;
	if (!c || i < 0 || i >= LL_CTX_DEPTH)
		return;
	struct frame *f = &c->f[i];
	if (f->flags & F_EXPIRE_SENT)
		return;
	f->flags |= F_EXPIRE_SENT;
	struct ll_event *e = reserve(sizeof(*e));
	if (!e)
		return;
	fill(e, LL_TIMER_EXPIRE, w->flags & (LL_F_CTX_MASK | LL_F_SYSVEC | LL_F_UNSURE));
	e->tid = cur_tid;
	e->a = f->timer;
	e->b = w->id;
	e->addr = w->addr;
	submit(e, sizeof(*e) + 8);
}

/* The context running now, as the raiser or armer of an LL_SOFTIRQ_RAISE or
 * LL_*TIMER_START, or the queuer of an LL_WORK_QUEUE: the current task when in task
 * context. `via_timer`: inside a timer callback, name the timer first (its
 * LL_TIMER_EXPIRE, once per callback), so that user space follows the callback to
 * the timer's armer. */
static __always_inline struct ll_event *cause_event(__u8 kind, __u64 addr, bool via_timer)
{
	struct wctx w;
	wake_context(&w);
	struct task_struct *cur = (struct task_struct *)bpf_get_current_task_btf();
	int cur_tid = BPF_CORE_READ(cur, pid);
	if ((w.flags & LL_F_CTX_MASK) == LL_CTX_TASK)
		note_task(cur);
	note_sym(addr);
	__u8 flags = w.flags & (LL_F_CTX_MASK | LL_F_SYSVEC | LL_F_UNSURE);
	if (via_timer && w.timer_frame >= 0) {
		note_sym(w.addr);
		note_expire(&w, cur_tid);
	}
	struct ll_event *e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill(e, kind, flags);
	e->tid = cur_tid;
	e->b = w.id;
	e->addr = addr;
	return e;
}

/* Expiry - now in microseconds, clamped to an int. */
static __always_inline int delay_us(__s64 ns)
{
	/* BPF has no signed division */
	bool neg = ns < 0;
	__u64 us = (neg ? (__u64)-ns : (__u64)ns) / 1000;
	if (us > 0x7fffffff)
		us = 0x7fffffff;
	return neg ? -(int)us : (int)us;
}

SEC("tp_btf/softirq_raise")
int BPF_PROG(softirq_raise, unsigned int vec)
{
	struct ll_event *e = cause_event(LL_SOFTIRQ_RAISE, 0, false);
	if (!e)
		return 0;
	e->a = vec;
	submit(e, sizeof(*e) + 8);
	return 0;
}

SEC("tp_btf/hrtimer_start")
int BPF_PROG(hrtimer_start, struct hrtimer *timer)
{
	__u64 fn = (__u64)BPF_CORE_READ(timer, function);
	/* expiry in the timer's clock; its base's offset brings it to CLOCK_MONOTONIC */
	__s64 expires = BPF_CORE_READ(timer, node.expires) - BPF_CORE_READ(timer, base, offset);
	struct ll_event *e = cause_event(LL_HRTIMER_START, fn, false);
	if (!e)
		return 0;
	e->a = timer_id(ctx);
	e->tid2 = delay_us(expires - (__s64)e->ts);
	submit(e, sizeof(*e) + 8);
	return 0;
}

extern int CONFIG_HZ __kconfig __weak;

SEC("tp_btf/timer_start")
int BPF_PROG(timer_start, struct timer_list *timer)
{
	__u64 fn = (__u64)BPF_CORE_READ(timer, function);
	__s64 jiffies = (__s64)(BPF_CORE_READ(timer, expires) - bpf_jiffies64());
	int hz = CONFIG_HZ > 0 ? CONFIG_HZ : 250;
	struct ll_event *e = cause_event(LL_TIMER_START, fn, false);
	if (!e)
		return 0;
	e->a = timer_id(ctx);
	e->tid2 = delay_us(jiffies * (__s64)(1000000000U / (unsigned int)hz));
	submit(e, sizeof(*e) + 8);
	return 0;
}

/* ---- workqueues: who queued the item a worker runs ---- */

SEC("tp_btf/workqueue_queue_work")
int BPF_PROG(workqueue_queue_work, int req_cpu, struct pool_workqueue *pwq, struct work_struct *work)
{
	struct ll_event *e = cause_event(LL_WORK_QUEUE, (__u64)BPF_CORE_READ(work, func), true);
	if (!e)
		return 0;
	e->a = arg_id(ctx, 2);
	e->tid2 = BPF_CORE_READ(pwq, pool, cpu);
	submit(e, sizeof(*e) + 8);
	return 0;
}

/* A worker starting or ending an item: the worker is the current task, or, for a BH
 * workqueue, the softirq it runs in. */
static __always_inline void work_event(unsigned long long *ctx, __u8 kind, __u64 fn)
{
	struct wctx w;
	wake_context(&w);
	struct task_struct *cur = (struct task_struct *)bpf_get_current_task_btf();
	if ((w.flags & LL_F_CTX_MASK) == LL_CTX_TASK)
		note_task(cur);
	note_sym(fn);
	struct ll_event *e = reserve(sizeof(*e));
	if (!e)
		return;
	fill(e, kind, w.flags & (LL_F_CTX_MASK | LL_F_SYSVEC | LL_F_UNSURE));
	e->tid = BPF_CORE_READ(cur, pid);
	e->a = arg_id(ctx, 0);
	e->b = w.id;
	e->addr = fn;
	submit(e, sizeof(*e) + 8);
}

SEC("tp_btf/workqueue_execute_start")
int BPF_PROG(workqueue_execute_start, struct work_struct *work)
{
	work_event(ctx, LL_WORK_START, (__u64)BPF_CORE_READ(work, func));
	return 0;
}

SEC("tp_btf/workqueue_execute_end")
int BPF_PROG(workqueue_execute_end, struct work_struct *work, work_func_t function)
{
	work_event(ctx, LL_WORK_END, 0);
	return 0;
}

/* ---- scheduler ---- */

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next, unsigned int prev_state)
{
	struct cpu_ctx *c = cpu_ctx();
	if (c) {
		c->depth = 0;
		c->synced = 1;
	}
	if (!wanted(BPF_CORE_READ(prev, tgid), BPF_CORE_READ(next, tgid)))
		return 0;
	note_task(prev);
	note_task(next);
	/* Where prev goes to sleep (S or D): prev is still current here. The switch's time is
	 * taken first: walking the stack must not lengthen prev's slice. */
	__u64 ts = bpf_ktime_get_ns();
	__u32 stack = 0;
	if (!preempt && (prev_state & 0x3 /* TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE */))
		stack = take_stack(ctx);
	struct ll_event *e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill(e, LL_SWITCH, preempt ? LL_F_PREEMPT : 0);
	e->ts = ts;
	e->stack = stack;
	e->tid = BPF_CORE_READ(prev, pid);
	e->tid2 = BPF_CORE_READ(next, pid);
	e->a = prev_state;
	e->b = BPF_CORE_READ(prev, prio);
	e->c = BPF_CORE_READ(next, prio);
	submit(e, sizeof(*e) + 8);
	return 0;
}

/* Since 6.12 (EEVDF delayed dequeue) a task that went to sleep may stay on its run
 * queue, flagged sched_delayed, until its lag is repaid: it is asleep all the same. */
static __always_inline bool sched_delayed(struct task_struct *p)
{
	if (bpf_core_field_exists(p->se.sched_delayed))
		return BPF_CORE_READ(p, se.sched_delayed);
	return false;
}

static __always_inline int on_wake(void *ctx, struct task_struct *p, __u8 kind)
{
	struct task_struct *cur = (struct task_struct *)bpf_get_current_task_btf();
	int tgid = BPF_CORE_READ(p, tgid);
	int cur_tgid = BPF_CORE_READ(cur, tgid);
	if (!wanted(tgid, cur_tgid))
		return 0;
	struct wctx w;
	wake_context(&w);
	note_task(p);
	note_task(cur);
	note_sym(w.addr);
	if (w.timer_frame >= 0)
		note_expire(&w, BPF_CORE_READ(cur, pid));
	/* The waker's stack: the current task's, or the interrupt's it runs in (the waking's
	 * time taken before it). */
	__u64 ts = bpf_ktime_get_ns();
	__u32 stack = take_stack(ctx);
	struct ll_event *e = reserve(sizeof(*e));
	if (!e)
		return 0;
	__u32 cpu = bpf_get_smp_processor_id();
	int target_cpu = BPF_CORE_READ(p, thread_info.cpu);
	__u8 flags = w.flags;
	int cur_tid = BPF_CORE_READ(cur, pid);
	if (target_cpu != (int)cpu)
		flags |= LL_F_REMOTE;
	if (cur_tid == 0)
		flags |= LL_F_IDLE;
	if (kind == LL_WAKING && BPF_CORE_READ(p, on_rq) && !sched_delayed(p))
		flags |= LL_F_ON_RQ;
	fill(e, kind, flags);
	e->tid = BPF_CORE_READ(p, pid);
	e->tid2 = cur_tid;
	e->a = target_cpu;
	e->b = w.id;
	e->addr = w.addr;
	e->ts = ts;
	e->stack = stack;
	submit(e, sizeof(*e) + 8);
	return 0;
}

SEC("tp_btf/sched_waking")
int BPF_PROG(sched_waking, struct task_struct *p)
{
	return on_wake(ctx, p, LL_WAKING);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new, struct task_struct *p)
{
	return on_wake(ctx, p, LL_WAKEUP_NEW);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	int ptgid = BPF_CORE_READ(parent, tgid), ctgid = BPF_CORE_READ(child, tgid);
	if (!wanted(ptgid, ctgid))
		return 0;
	note_task(parent);
	__u32 tid = BPF_CORE_READ(child, pid);
	__u8 one = 1;
	struct ll_event *e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill(e, LL_FORK, 0);
	e->tid = tid;
	e->tid2 = BPF_CORE_READ(parent, pid);
	e->a = ctgid;
	e->b = ptgid;
	submit(e, sizeof(*e) + 8);
	bpf_map_update_elem(&seen, &tid, &one, BPF_ANY);
	emit_comm(child, 0, LL_COMM_FORK);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sched_process_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	int tgid = BPF_CORE_READ(p, tgid);
	if (!wanted(tgid, tgid))
		return 0;
	struct ll_name_event *e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill(&e->e, LL_EXEC, 0);
	e->e.tid = BPF_CORE_READ(p, pid);
	e->e.tid2 = old_pid;
	e->e.a = tgid;
	__builtin_memset(e->name, 0, sizeof(e->name));
	bpf_probe_read_kernel_str(e->name, sizeof(e->name), BPF_CORE_READ(bprm, filename));
	submit(e, sizeof(*e) + 8);
	__u32 tid = BPF_CORE_READ(p, pid);
	__u8 one = 1;
	bpf_map_update_elem(&seen, &tid, &one, BPF_ANY);
	emit_comm(p, 0, LL_COMM_EXEC);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_process_exit, struct task_struct *p)
{
	__u32 tid = BPF_CORE_READ(p, pid);
	int tgid = BPF_CORE_READ(p, tgid);
	bpf_map_delete_elem(&seen, &tid);
	if (!wanted(tgid, tgid))
		return 0;
	struct ll_event *e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill(e, LL_EXIT, 0);
	e->tid = tid;
	e->a = tgid;
	e->b = BPF_CORE_READ(p, prio);
	submit(e, sizeof(*e) + 8);
	return 0;
}

SEC("tp_btf/task_rename")
int BPF_PROG(task_rename, struct task_struct *task, const char *comm)
{
	int tgid = BPF_CORE_READ(task, tgid);
	if (!wanted(tgid, tgid))
		return 0;
	emit_comm(task, comm, LL_COMM_RENAME);
	return 0;
}

/* ---- interrupts ---- */

static __always_inline void emit_span(__u8 kind, __u8 flags, int id)
{
	if (!irq_spans)
		return;
	struct ll_event *e = reserve(sizeof(*e));
	if (!e)
		return;
	fill(e, kind, flags);
	e->tid = bpf_get_current_pid_tgid() & 0xffffffff;
	e->a = id;
	submit(e, sizeof(*e) + 8);
}

SEC("tp_btf/irq_handler_entry")
int BPF_PROG(irq_handler_entry, int irq, struct irqaction *action)
{
	push(F_HARDIRQ, 0, irq, 0, 0);
	__u32 key = irq;
	__u8 one = 1;
	if (!bpf_map_lookup_elem(&irq_seen, &key)) {
		bpf_map_update_elem(&irq_seen, &key, &one, BPF_ANY);
		struct ll_name_event *e = reserve(sizeof(*e));
		if (e) {
			fill(&e->e, LL_IRQ_NAME, 0);
			e->e.a = irq;
			__builtin_memset(e->name, 0, sizeof(e->name));
			bpf_probe_read_kernel_str(e->name, sizeof(e->name), BPF_CORE_READ(action, name));
			submit(e, sizeof(*e) + 8);
		}
	}
	emit_span(LL_IRQ_ENTRY, 0, irq);
	return 0;
}

SEC("tp_btf/irq_handler_exit")
int BPF_PROG(irq_handler_exit, int irq)
{
	pop(F_HARDIRQ);
	emit_span(LL_IRQ_EXIT, 0, irq);
	return 0;
}

/* One entry and one exit program per x86 system vector of LL_SYSVECS. */
#define SYSVEC(NAME, id, tp, x86)                         \
SEC("tp_btf/" #tp "_entry")                               \
int BPF_PROG(tp##_entry, int vector)                      \
{                                                         \
	push(F_HARDIRQ, LL_F_SYSVEC, LL_VEC_##NAME, 0, 0); \
	emit_span(LL_IRQ_ENTRY, LL_F_SYSVEC, LL_VEC_##NAME); \
	return 0;                                         \
}                                                         \
SEC("tp_btf/" #tp "_exit")                                \
int BPF_PROG(tp##_exit, int vector)                       \
{                                                         \
	pop(F_HARDIRQ);                                   \
	emit_span(LL_IRQ_EXIT, LL_F_SYSVEC, LL_VEC_##NAME); \
	return 0;                                         \
}

LL_SYSVECS(SYSVEC)
#undef SYSVEC

SEC("tp_btf/softirq_entry")
int BPF_PROG(softirq_entry, unsigned int vec)
{
	push(F_SOFTIRQ, 0, vec, 0, 0);
	emit_span(LL_SOFTIRQ_ENTRY, 0, vec);
	return 0;
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(softirq_exit, unsigned int vec)
{
	pop(F_SOFTIRQ);
	emit_span(LL_SOFTIRQ_EXIT, 0, vec);
	return 0;
}

/* An hrtimer callback's span, with the callback named (irq spans only). */
static __always_inline void emit_expire(__u8 kind, __u32 id, __u64 fn)
{
	if (!irq_spans)
		return;
	note_sym(fn);
	struct ll_event *e = reserve(sizeof(*e));
	if (!e)
		return;
	fill(e, kind, 0);
	e->tid = bpf_get_current_pid_tgid() & 0xffffffff;
	e->a = id;
	e->addr = fn;
	submit(e, sizeof(*e) + 8);
}

SEC("tp_btf/hrtimer_expire_entry")
int BPF_PROG(hrtimer_expire_entry, struct hrtimer *timer)
{
	__u64 fn = (__u64)BPF_CORE_READ(timer, function);
	__u32 id = timer_id(ctx);
	push(F_HRTIMER, 0, 0, fn, id);
	emit_expire(LL_HRTIMER_EXPIRE_ENTRY, id, fn);
	return 0;
}

SEC("tp_btf/hrtimer_expire_exit")
int BPF_PROG(hrtimer_expire_exit, struct hrtimer *timer)
{
	pop(F_HRTIMER);
	emit_expire(LL_HRTIMER_EXPIRE_EXIT, timer_id(ctx), 0);
	return 0;
}

SEC("tp_btf/timer_expire_entry")
int BPF_PROG(timer_expire_entry, struct timer_list *timer)
{
	push(F_TIMER, 0, 0, (__u64)BPF_CORE_READ(timer, function), timer_id(ctx));
	return 0;
}

SEC("tp_btf/timer_expire_exit")
int BPF_PROG(timer_expire_exit, struct timer_list *timer)
{
	pop(F_TIMER);
	return 0;
}

/* nmi_handler fires after each handler: a span that ends now. */
SEC("tp_btf/nmi_handler")
int BPF_PROG(nmi_handler, void *handler, s64 delta_ns, int handled)
{
	if (!irq_spans)
		return 0;
	note_sym((__u64)handler);
	struct ll_event *e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill(e, LL_NMI, 0);
	e->tid = bpf_get_current_pid_tgid() & 0xffffffff;
	e->b = delta_ns > 0x7fffffff ? 0x7fffffff : (int)delta_ns;
	e->addr = (__u64)handler;
	submit(e, sizeof(*e) + 8);
	return 0;
}
