// lifeline native addon: load and attach the BPF programs through libbpf,
// drain the ring buffer off the JS thread and hand JS whole batches.
// Thin by design: it knows nothing of event meaning beyond sizes.
#include <napi.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <malloc.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

extern "C" {
#include "lifeline.h"
#include "lifeline.skel.h"
}
#include "addon-errors.h"

namespace {

// libbpf's messages (verifier log included) go here, to end up in the error.
std::mutex log_mutex;
std::string libbpf_log;

int OnLibbpfPrint(enum libbpf_print_level level, const char* fmt, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  va_list copy;
  va_copy(copy, args);
  int n = vsnprintf(nullptr, 0, fmt, copy);
  va_end(copy);
  if (n <= 0) return 0;
  std::string line(n + 1, '\0');
  vsnprintf(&line[0], line.size(), fmt, args);
  line.resize(n);
  std::lock_guard<std::mutex> lock(log_mutex);
  libbpf_log += line;
  if (libbpf_log.size() > 64 * 1024) libbpf_log.erase(0, libbpf_log.size() - 64 * 1024);
  return 0;
}

std::string TakeLog() {
  std::lock_guard<std::mutex> lock(log_mutex);
  std::string out;
  out.swap(libbpf_log);
  return out;
}

// The addon's failures: a code from LL_ADDON_ERRORS, errno and detail; no sentences here
// (src/record/addon.ts words them from src/messages.ts).
enum class Fault {
#define X(name) name,
  LL_ADDON_ERRORS(X)
#undef X
};

const char* FaultName(Fault f) {
  switch (f) {
#define X(name) \
  case Fault::name: return #name;
    LL_ADDON_ERRORS(X)
#undef X
  }
  return "UNKNOWN";
}

Napi::Error CodedError(Napi::Env env, Fault code, int err = 0, const std::string& detail = "") {
  Napi::Error e = Napi::Error::New(env, FaultName(code));
  e.Set("code", Napi::String::New(env, FaultName(code)));
  if (err) e.Set("errno", Napi::Number::New(env, err));
  if (!detail.empty()) e.Set("detail", Napi::String::New(env, detail));
  return e;
}

// The BPF programs by tracepoint; an optional one is attached only when the kernel has it.
struct Program {
  const char* tracepoint;
  bpf_program* (*prog)(lifeline_bpf*);
};

#define OPT(tp) {#tp, [](lifeline_bpf* s) { return s->progs.tp; }}
#define OPT_TP(tp, required) OPT(tp),
#define OPT_SYSVEC(NAME, value, tp, x86) OPT(tp##_entry), OPT(tp##_exit),
// Every tracepoint of the contract (LL_TRACEPOINTS, then the system vectors' pairs).
const Program kPrograms[] = {LL_TRACEPOINTS(OPT_TP) LL_SYSVECS(OPT_SYSVEC)};
#define REQUIRED_TP(tp, required) required,
const bool kIsRequired[] = {LL_TRACEPOINTS(REQUIRED_TP)};
#undef REQUIRED_TP
#undef OPT_SYSVEC
#undef OPT_TP
#undef OPT

bool IsRequired(size_t i) { return i < sizeof(kIsRequired) / sizeof(kIsRequired[0]) && kIsRequired[i]; }

bool HasTracepoint(const btf* vmlinux, const char* name) {
  std::string type = std::string("btf_trace_") + name;
  return btf__find_by_name_kind(vmlinux, type.c_str(), BTF_KIND_TYPEDEF) >= 0;
}

// One read's batch: records are appended until it holds `cap` bytes, then the callback
// stops the consumption (libbpf has already consumed the record it was handed, so the
// record is kept, and what is left waits in the ring for the next read).
struct Batch {
  std::vector<uint8_t> bytes;
  size_t cap = SIZE_MAX;
  bool full = false;
};

int AppendRecord(void* ctx, void* data, size_t size) {
  auto* batch = static_cast<Batch*>(ctx);
  const uint8_t* p = static_cast<const uint8_t*>(data);
  batch->bytes.insert(batch->bytes.end(), p, p + size);
  if (batch->bytes.size() >= batch->cap) {
    batch->full = true;
    return -1;
  }
  return 0;
}

class Session;

class ReadWorker : public Napi::AsyncWorker {
 public:
  ReadWorker(Napi::Env env, Session* session, int timeout_ms);
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error&) override {
    Finish();
    deferred_.Reject(CodedError(Env(), Fault::READ_FAILED, read_errno_).Value());
  }

 private:
  void Finish();
  Napi::Promise::Deferred deferred_;
  Session* session_;
  int timeout_ms_;
  int read_errno_ = 0;
  std::vector<uint8_t>* batch_;
  Napi::ObjectReference keep_;
};

class Session : public Napi::ObjectWrap<Session> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Session",
                       {InstanceMethod("read", &Session::Read),
                        InstanceMethod("drain", &Session::Drain),
                        InstanceMethod("lost", &Session::Lost),
                        InstanceMethod("stackFails", &Session::StackFails),
                        InstanceMethod("unread", &Session::Unread),
                        InstanceMethod("detach", &Session::DetachJs),
                        InstanceMethod("interrupt", &Session::Interrupt),
                        InstanceMethod("close", &Session::Close)});
  }

  explicit Session(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Session>(info) {
    Napi::Env env = info.Env();
    Napi::Object opts = info.Length() > 0 && info[0].IsObject() ? info[0].As<Napi::Object>()
                                                                 : Napi::Object::New(env);
    uint32_t ring_bytes = opts.Has("ringBytes") ? opts.Get("ringBytes").As<Napi::Number>().Uint32Value()
                                                : 32u << 20;
    bool irq_spans = !opts.Has("irqSpans") || opts.Get("irqSpans").ToBoolean().Value();
    bool kernel_stacks = !opts.Has("kernelStacks") || opts.Get("kernelStacks").ToBoolean().Value();
    bool workqueues = !opts.Has("workqueues") || opts.Get("workqueues").ToBoolean().Value();
    uint32_t max_stacks = opts.Has("maxStacks") && opts.Get("maxStacks").IsNumber()
                              ? opts.Get("maxStacks").As<Napi::Number>().Uint32Value()
                              : LL_STACK_IDS;
    if (max_stacks == 0 || max_stacks > LL_STACK_IDS) max_stacks = LL_STACK_IDS;
    int tgid = opts.Has("tgid") ? opts.Get("tgid").As<Napi::Number>().Int32Value() : 0;
    uint32_t wakeup_bytes = opts.Has("wakeupBytes")
                                ? opts.Get("wakeupBytes").As<Napi::Number>().Uint32Value()
                                : ring_bytes / 8;
    uint64_t irq_lo = BigIntOption(opts, "irqEntryLo");
    uint64_t irq_hi = BigIntOption(opts, "irqEntryHi");
    if (opts.Has("batchBytes")) batch_cap_ = opts.Get("batchBytes").As<Napi::Number>().Uint32Value();
    if (ring_bytes < 4096 || (ring_bytes & (ring_bytes - 1)))
      throw CodedError(env, Fault::BAD_RING_SIZE, 0, std::to_string(ring_bytes));

    if (!Open(ring_bytes, irq_spans, workqueues, kernel_stacks, max_stacks, tgid, wakeup_bytes, irq_lo, irq_hi)) {
      Destroy();
      throw CodedError(env, code_, errno_, detail_);
    }
    Napi::Array skipped = Napi::Array::New(env, skipped_.size());
    for (size_t i = 0; i < skipped_.size(); i++) skipped.Set(i, skipped_[i]);
    info.This().As<Napi::Object>().Set("skipped", skipped);
    info.This().As<Napi::Object>().Set("cpus", Napi::Number::New(env, libbpf_num_possible_cpus()));
  }

  ~Session() override { Destroy(); }

  ring_buffer* rb() { return rb_; }
  std::atomic<bool> busy{false};

 private:
  // Records a failure of Open(); returns false for `return Fail(...)`.
  bool Fail(Fault code, int err = 0, const std::string& detail = "") {
    code_ = code;
    errno_ = err;
    detail_ = detail;
    return false;
  }

  // An unsigned 64-bit option given as a BigInt; 0 when absent (or not a BigInt).
  static uint64_t BigIntOption(const Napi::Object& opts, const char* name) {
    if (!opts.Has(name) || !opts.Get(name).IsBigInt()) return 0;
    bool lossless = false;
    uint64_t v = opts.Get(name).As<Napi::BigInt>().Uint64Value(&lossless);
    return lossless ? v : 0;  // negative or beyond 64 bits: not an address
  }

  bool Open(uint32_t ring_bytes, bool irq_spans, bool workqueues, bool kernel_stacks, uint32_t max_stacks, int tgid,
            uint32_t wakeup_bytes, uint64_t irq_lo, uint64_t irq_hi) {
    struct stat st;
    if (stat("/sys/kernel/btf/vmlinux", &st) != 0) return Fail(Fault::NO_BTF, errno);
    libbpf_set_print(OnLibbpfPrint);
    TakeLog();
    btf* vmlinux = btf__load_vmlinux_btf();
    if (!vmlinux) return Fail(Fault::BTF_UNREADABLE, errno, TakeLog());
    for (size_t i = 0; i < sizeof(kPrograms) / sizeof(kPrograms[0]); i++) {
      if (IsRequired(i) && !HasTracepoint(vmlinux, kPrograms[i].tracepoint)) {
        btf__free(vmlinux);
        return Fail(Fault::NO_TRACEPOINT, 0, kPrograms[i].tracepoint);
      }
    }
    skel_ = lifeline_bpf__open();
    if (!skel_) {
      int e = errno;
      btf__free(vmlinux);
      return Fail(Fault::OPEN_FAILED, e, TakeLog());
    }
    for (size_t i = 0; i < sizeof(kPrograms) / sizeof(kPrograms[0]); i++) {
      const Program& o = kPrograms[i];
      if (!IsRequired(i) && !HasTracepoint(vmlinux, o.tracepoint)) {
        bpf_program__set_autoload(o.prog(skel_), false);
        skipped_.push_back(o.tracepoint);
      } else if (!workqueues && strncmp(o.tracepoint, "workqueue_", 10) == 0) {
        bpf_program__set_autoload(o.prog(skel_), false);  // asked not to: not "missing"
      }
    }
    btf__free(vmlinux);
    skel_->rodata->irq_spans = irq_spans;
    skel_->rodata->kernel_stacks = kernel_stacks;
    skel_->rodata->max_stacks = max_stacks;
    skel_->rodata->targ_tgid = tgid;
    skel_->rodata->wakeup_bytes = wakeup_bytes;
    skel_->rodata->irqentry_lo = irq_lo;
    skel_->rodata->irqentry_hi = irq_hi;
    bpf_map__set_max_entries(skel_->maps.events, ring_bytes);

    int err = lifeline_bpf__load(skel_);
    if (err) {
      int e = -err;
      std::string log = TakeLog();
      if (e == EPERM || (e == EACCES && geteuid() != 0)) return Fail(Fault::LOAD_DENIED, e, log);
      return Fail(Fault::LOAD_FAILED, e, log);
    }
    err = lifeline_bpf__attach(skel_);
    if (err) {
      int e = -err;
      if (e == EPERM || e == EACCES) return Fail(Fault::ATTACH_DENIED, e, TakeLog());
      return Fail(Fault::ATTACH_FAILED, e, TakeLog());
    }
    rb_ = ring_buffer__new(bpf_map__fd(skel_->maps.events), AppendRecord, &pending_, nullptr);
    if (!rb_) return Fail(Fault::RINGBUF_FAILED, errno, TakeLog());
    // The ring's two positions, mapped read-only a second time (libbpf 1.1 has no
    // ring__avail_data_size): how much is waiting unread, for the fill gauge.
    long page = sysconf(_SC_PAGESIZE);
    int rfd = bpf_map__fd(skel_->maps.events);
    void* cons = mmap(nullptr, page, PROT_READ, MAP_SHARED, rfd, 0);
    void* prod = mmap(nullptr, page, PROT_READ, MAP_SHARED, rfd, page);
    if (cons == MAP_FAILED || prod == MAP_FAILED) {
      int e = errno;
      if (cons != MAP_FAILED) munmap(cons, page);
      if (prod != MAP_FAILED) munmap(prod, page);
      return Fail(Fault::RINGBUF_FAILED, e, "mmap");
    }
    cons_pos_ = static_cast<const unsigned long*>(cons);
    prod_pos_ = static_cast<const unsigned long*>(prod);
    page_ = page;
    // Our own epoll set: the ring buffer map, edge-triggered, plus an eventfd that interrupt()
    // signals so that a pending read returns at once when the recording stops. Edge-triggered
    // because the map polls readable whenever a single byte is waiting: level-triggered, every
    // read returned at once with the few events our own previous read caused, and an idle
    // machine spun the reader at 90% of a core on 110 000 events/s of itself. Edge-triggered,
    // a read waits for the BPF side's forced wakeup (a good batch is waiting) or its timeout.
    efd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    if (efd_ < 0 || ep_ < 0) return Fail(Fault::RINGBUF_FAILED, errno, "epoll_create1");
    struct epoll_event ev = {};
    ev.events = EPOLLIN | EPOLLET;
    ev.data.fd = bpf_map__fd(skel_->maps.events);
    if (epoll_ctl(ep_, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0) return Fail(Fault::RINGBUF_FAILED, errno, "epoll_ctl");
    ev.events = EPOLLIN;
    ev.data.fd = efd_;
    if (epoll_ctl(ep_, EPOLL_CTL_ADD, efd_, &ev) < 0) return Fail(Fault::RINGBUF_FAILED, errno, "epoll_ctl");
    return true;
  }

  void Destroy() {
    if (cons_pos_) munmap(const_cast<unsigned long*>(cons_pos_), page_);
    if (prod_pos_) munmap(const_cast<unsigned long*>(prod_pos_), page_);
    cons_pos_ = prod_pos_ = nullptr;
    if (ep_ >= 0) close(ep_);
    if (efd_ >= 0) close(efd_);
    ep_ = efd_ = -1;
    if (rb_) ring_buffer__free(rb_);
    rb_ = nullptr;
    if (skel_) lifeline_bpf__destroy(skel_);
    skel_ = nullptr;
  }

  void CheckOpen(Napi::Env env) {
    if (!skel_) throw CodedError(env, Fault::CLOSED);
    if (busy) throw CodedError(env, Fault::BUSY, 0, "read");
  }

  // read(timeoutMs) -> Promise<Buffer|null>: polls on a libuv worker thread.
  Napi::Value Read(const Napi::CallbackInfo& info) {
    CheckOpen(info.Env());
    int timeout = info.Length() > 0 ? info[0].As<Napi::Number>().Int32Value() : 100;
    auto* w = new ReadWorker(info.Env(), this, timeout);
    busy = true;
    Napi::Promise p = w->Promise();
    w->Queue();
    return p;
  }

  // drain() -> Buffer|null: whatever is left, synchronously (after detach).
  Napi::Value Drain(const Napi::CallbackInfo& info) {
    CheckOpen(info.Env());
    std::vector<uint8_t> out;
    size_t cap = batch_cap_;
    batch_cap_ = SIZE_MAX;  // everything that is left, in one batch
    Consume(&out, 0);
    batch_cap_ = cap;
    if (out.empty()) return info.Env().Null();
    return Napi::Buffer<uint8_t>::Copy(info.Env(), out.data(), out.size());
  }

  // lost() -> number[]: reservation failures per CPU so far.
  Napi::Value Lost(const Napi::CallbackInfo& info) {
    if (!skel_) throw CodedError(info.Env(), Fault::CLOSED);
    int ncpu = libbpf_num_possible_cpus();
    std::vector<uint64_t> values(ncpu > 0 ? ncpu : 1);
    uint32_t zero = 0;
    Napi::Array out = Napi::Array::New(info.Env(), values.size());
    if (bpf_map_lookup_elem(bpf_map__fd(skel_->maps.lost), &zero, values.data()) == 0)
      for (size_t i = 0; i < values.size(); i++) out.Set(i, Napi::Number::New(info.Env(), (double)values[i]));
    return out;
  }

  // stackFails() -> number[]: stacks not given to an event so far, per reason (LL_STACK_FAILS),
  // summed over the CPUs.
  Napi::Value StackFails(const Napi::CallbackInfo& info) {
    if (!skel_) throw CodedError(info.Env(), Fault::CLOSED);
    int ncpu = libbpf_num_possible_cpus();
    std::vector<uint64_t> values(ncpu > 0 ? ncpu : 1);
    Napi::Array out = Napi::Array::New(info.Env(), LL_STACK_FAIL_COUNT);
    for (uint32_t why = 0; why < LL_STACK_FAIL_COUNT; why++) {
      double sum = 0;
      if (bpf_map_lookup_elem(bpf_map__fd(skel_->maps.stack_fails), &why, values.data()) == 0)
        for (uint64_t v : values) sum += (double)v;
      out.Set(why, Napi::Number::New(info.Env(), sum));
    }
    return out;
  }

  // unread() -> bytes waiting in the ring buffer now (written, not yet read).
  Napi::Value Unread(const Napi::CallbackInfo& info) {
    if (!skel_ || !cons_pos_) throw CodedError(info.Env(), Fault::CLOSED);
    unsigned long cons = __atomic_load_n(cons_pos_, __ATOMIC_ACQUIRE);
    unsigned long prod = __atomic_load_n(prod_pos_, __ATOMIC_ACQUIRE);
    return Napi::Number::New(info.Env(), static_cast<double>(prod - cons));
  }

  // detach(): stop the events; what is already in the ring buffer stays for drain().
  Napi::Value DetachJs(const Napi::CallbackInfo& info) {
    if (busy) throw CodedError(info.Env(), Fault::BUSY, 0, "detach");
    Detach();
    return info.Env().Undefined();
  }

  // interrupt(): make a pending read() return now (safe from the JS thread while busy).
  Napi::Value Interrupt(const Napi::CallbackInfo& info) {
    if (efd_ >= 0) {
      uint64_t one = 1;
      ssize_t n = write(efd_, &one, sizeof(one));
      (void)n;
    }
    return info.Env().Undefined();
  }

  // close(): detach the programs (stops the events) and free everything.
  Napi::Value Close(const Napi::CallbackInfo& info) {
    if (busy) throw CodedError(info.Env(), Fault::BUSY, 0, "close");
    Destroy();
    return info.Env().Undefined();
  }

 public:
  // Called from the worker thread (read) or the JS thread (drain), never both.
  int Consume(std::vector<uint8_t>* out, int timeout_ms) {
    pending_.bytes.clear();
    pending_.cap = batch_cap_;
    pending_.full = false;
    // A batch that stopped at its cap left records in the ring, and the edge-triggered
    // poll will not report them again: read on at once.
    if (timeout_ms > 0 && !behind_) {
      struct epoll_event evs[2];
      int ready = epoll_wait(ep_, evs, 2, timeout_ms);
      if (ready < 0 && errno != EINTR) return -errno;
      for (int i = 0; i < ready; i++) {
        if (evs[i].data.fd == efd_) {
          uint64_t v;
          ssize_t r = read(efd_, &v, sizeof(v));
          (void)r;
        }
      }
    }
    int n = ring_buffer__consume(rb_);
    behind_ = pending_.full;
    if (pending_.full) n = static_cast<int>(pending_.bytes.size());
    out->swap(pending_.bytes);
    return n;
  }

  void Detach() {
    if (skel_) lifeline_bpf__detach(skel_);
  }

 private:
  lifeline_bpf* skel_ = nullptr;
  ring_buffer* rb_ = nullptr;
  int ep_ = -1, efd_ = -1;
  Batch pending_;
  size_t batch_cap_ = 4u << 20;
  bool behind_ = false;
  const unsigned long* cons_pos_ = nullptr;
  const unsigned long* prod_pos_ = nullptr;
  long page_ = 0;
  std::vector<std::string> skipped_;
  Fault code_ = Fault::OPEN_FAILED;
  std::string detail_;
  int errno_ = 0;
};

ReadWorker::ReadWorker(Napi::Env env, Session* session, int timeout_ms)
    : Napi::AsyncWorker(env, "lifeline.read"),
      deferred_(Napi::Promise::Deferred::New(env)),
      session_(session),
      timeout_ms_(timeout_ms < 1 ? 1 : timeout_ms),
      batch_(new std::vector<uint8_t>()) {
  keep_ = Napi::Persistent(session->Value());
}

void ReadWorker::Execute() {
  int n = session_->Consume(batch_, timeout_ms_);
  if (n < 0 && n != -EINTR) {
    read_errno_ = -n;
    SetError("READ_FAILED");  // reported by OnError as a coded error
  }
}

void ReadWorker::Finish() {
  session_->busy = false;
  keep_.Reset();
}

void ReadWorker::OnOK() {
  Napi::Env env = Env();
  Finish();
  if (batch_->empty()) {
    delete batch_;
    batch_ = nullptr;
    deferred_.Resolve(env.Null());
    return;
  }
  std::vector<uint8_t>* owned = batch_;
  batch_ = nullptr;
  deferred_.Resolve(Napi::Buffer<uint8_t>::New(env, owned->data(), owned->size(),
                                               [](Napi::Env, uint8_t*, std::vector<uint8_t>* v) { delete v; },
                                               owned));
}

// layout() -> the contract as compiled: record sizes and offsets, and every table of
// bpf/lifeline.h as this binary expanded it (test/format/contract.test.ts compares them
// with the generated TypeScript constants).
Napi::Value Layout(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto num = [&](double v) { return Napi::Number::New(env, v); };
  Napi::Object o = Napi::Object::New(env);
  Napi::Object off = Napi::Object::New(env);
#define X(name, type, offset) off.Set(#name, num(offsetof(struct ll_event, name)));
  LL_EVENT_FIELDS(X)
#undef X
  off.Set("name", num(offsetof(struct ll_name_event, name)));
  off.Set("frames", num(offsetof(struct ll_stack_event, ip)));
  o.Set("offsets", off);
  o.Set("eventSize", num(sizeof(struct ll_event)));
  o.Set("nameEventSize", num(sizeof(struct ll_name_event)));
  o.Set("stackEventSize", num(sizeof(struct ll_stack_event)));
  o.Set("stackDepth", num(LL_STACK_DEPTH));
  o.Set("stackIds", num(LL_STACK_IDS));
  o.Set("nameLen", num(LL_NAME_LEN));
  o.Set("kindMeta", num(LL_KIND_META));
  Napi::Object kinds = Napi::Object::New(env);
  Napi::Array named = Napi::Array::New(env);
  Napi::Array stacked = Napi::Array::New(env);
#define X(name, value, label, record)                                \
  kinds.Set(#name, num(LL_##name));                                  \
  if ((record) == 1) named.Set(named.Length(), num(LL_##name));      \
  if ((record) == 2) stacked.Set(stacked.Length(), num(LL_##name));
  LL_KINDS(X)
#undef X
  o.Set("kinds", kinds);
  o.Set("namedKinds", named);
  o.Set("stackKinds", stacked);
  Napi::Object stackFlags = Napi::Object::New(env);
#define X(name, value) stackFlags.Set(#name, num(LL_STACK_F_##name));
  LL_STACK_FLAGS(X)
#undef X
  o.Set("stackFlags", stackFlags);
  Napi::Array stackFails = Napi::Array::New(env);
#define X(name, value, label) stackFails.Set(static_cast<uint32_t>(value), Napi::String::New(env, label));
  LL_STACK_FAILS(X)
#undef X
  o.Set("stackFails", stackFails);
  Napi::Object flags = Napi::Object::New(env);
#define X(name, value) flags.Set(#name, num(LL_F_##name));
  LL_FLAGS(X)
#undef X
  o.Set("flags", flags);
  Napi::Object ctxs = Napi::Object::New(env);
#define X(name, value, label) ctxs.Set(#name, num(LL_CTX_##name));
  LL_CTXS(X)
#undef X
  o.Set("ctxs", ctxs);
  Napi::Object reasons = Napi::Object::New(env);
#define X(name, value, label) reasons.Set(#name, num(LL_COMM_##name));
  LL_COMM_REASONS(X)
#undef X
  o.Set("commReasons", reasons);
  Napi::Object vecs = Napi::Object::New(env);
#define X(name, value, tp, x86) vecs.Set(#name, num(LL_VEC_##name));
  LL_SYSVECS(X)
#undef X
  o.Set("sysvecs", vecs);
  Napi::Object softirqs = Napi::Object::New(env);
#define X(name, value) softirqs.Set(#name, num(LL_SOFTIRQ_##name));
  LL_SOFTIRQS(X)
#undef X
  o.Set("softirqs", softirqs);
  Napi::Array optional = Napi::Array::New(env);
  for (size_t i = 0; i < sizeof(kPrograms) / sizeof(kPrograms[0]); i++)
    if (!IsRequired(i)) optional.Set(optional.Length(), Napi::String::New(env, kPrograms[i].tracepoint));
  o.Set("optionalTracepoints", optional);
  Napi::Array codes = Napi::Array::New(env);
#define X(name) codes.Set(codes.Length(), Napi::String::New(env, FaultName(Fault::name)));
  LL_ADDON_ERRORS(X)
#undef X
  o.Set("errorCodes", codes);
  return o;
}

// bootOffsetNs() -> CLOCK_BOOTTIME - CLOCK_MONOTONIC in ns (time spent suspended), from the
// tightest of a few paired reads. Perfetto reads ftrace timestamps as BOOTTIME.
Napi::Value BootOffsetNs(const Napi::CallbackInfo& info) {
  long long best_span = -1, offset = 0;
  for (int i = 0; i < 5; i++) {
    struct timespec m0, b, m1;
    clock_gettime(CLOCK_MONOTONIC, &m0);
    clock_gettime(CLOCK_BOOTTIME, &b);
    clock_gettime(CLOCK_MONOTONIC, &m1);
    long long n0 = m0.tv_sec * 1000000000LL + m0.tv_nsec, n1 = m1.tv_sec * 1000000000LL + m1.tv_nsec;
    long long nb = b.tv_sec * 1000000000LL + b.tv_nsec;
    if (best_span < 0 || n1 - n0 < best_span) {
      best_span = n1 - n0;
      offset = nb - (n0 + (n1 - n0) / 2);
    }
  }
  // BOOTTIME never runs behind MONOTONIC: a negative difference is read jitter.
  if (offset < 0) offset = 0;
  return Napi::Number::New(info.Env(), static_cast<double>(offset));
}

// trimMemory() -> whether glibc gave memory back. Returns the free pages of every malloc
// arena (the worker thread's included) to the system; after a load, freed buffers and
// ArrayBuffer stores otherwise stay resident as fragments between live chunks.
Napi::Value TrimMemory(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), malloc_trim(0) != 0);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // Batches of up to a few MiB come and go all the time. glibc's dynamic mmap threshold
  // rises to the largest freed chunk, after which batches are carved from the heap and
  // freed memory stays in the process (resident memory crept up after each load).
  // A fixed threshold keeps every batch an mmap of its own, returned when freed.
  mallopt(M_MMAP_THRESHOLD, 256 << 10);
  exports.Set("Session", Session::Define(env));
  exports.Set("layout", Napi::Function::New(env, Layout));
  exports.Set("bootOffsetNs", Napi::Function::New(env, BootOffsetNs));
  exports.Set("trimMemory", Napi::Function::New(env, TrimMemory));
  return exports;
}

}  // namespace

NODE_API_MODULE(lifeline, Init)
