/* SPDX-License-Identifier: MIT */
/*
 * The failures the native addon reports, declared once. The addon throws an
 * Error whose `code` is one of these names, with `errno` and `detail` (the
 * libbpf log, a tracepoint name) and no sentence of its own: src/record/addon.ts
 * turns it into a LifelineError (code RECORD_<name>) worded in src/messages.ts.
 * The TypeScript list ADDON_ERRORS is generated from this one.
 */
#ifndef LIFELINE_ADDON_ERRORS_H
#define LIFELINE_ADDON_ERRORS_H

#define LL_ADDON_ERRORS(X)                                                     \
	X(BAD_RING_SIZE)   /* ring buffer size not a power of two >= 4096 */   \
	X(NO_BTF)          /* /sys/kernel/btf/vmlinux is missing */            \
	X(BTF_UNREADABLE)  /* it exists but libbpf cannot load it */           \
	X(NO_TRACEPOINT)   /* a required tracepoint is missing; detail: its name */ \
	X(OPEN_FAILED)     /* the BPF object cannot be opened; detail: log */  \
	X(LOAD_DENIED)     /* loading needs privileges */                      \
	X(LOAD_FAILED)     /* the verifier refused; detail: its log */         \
	X(ATTACH_DENIED)   /* attaching needs privileges */                    \
	X(ATTACH_FAILED)   /* attaching failed; detail: log */                 \
	X(RINGBUF_FAILED)  /* the ring buffer reader cannot be set up; detail: step */ \
	X(READ_FAILED)     /* polling the ring buffer failed */                \
	X(CLOSED)          /* the session is closed */                         \
	X(BUSY)            /* a read is in progress; detail: the refused call */

#endif /* LIFELINE_ADDON_ERRORS_H */
