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
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

extern "C" {
#include "lifeline.h"
#include "lifeline.skel.h"
}

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

Napi::Error CodedError(Napi::Env env, const char* code, const std::string& message,
                       int err = 0, const std::string& detail = "") {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, code));
  if (err) e.Set("errno", Napi::Number::New(env, err));
  if (!detail.empty()) e.Set("detail", Napi::String::New(env, detail));
  return e;
}

// Optional programs: attached when the kernel has the tracepoint.
struct Optional {
  const char* tracepoint;
  bpf_program* (*prog)(lifeline_bpf*);
};

#define OPT(tp) {#tp, [](lifeline_bpf* s) { return s->progs.tp; }}
const Optional kOptional[] = {
    OPT(task_rename),          OPT(irq_handler_entry),     OPT(irq_handler_exit),
    OPT(local_timer_entry),    OPT(local_timer_exit),      OPT(reschedule_entry),
    OPT(reschedule_exit),      OPT(call_function_entry),   OPT(call_function_exit),
    OPT(call_function_single_entry), OPT(call_function_single_exit),
    OPT(irq_work_entry),       OPT(irq_work_exit),         OPT(x86_platform_ipi_entry),
    OPT(x86_platform_ipi_exit), OPT(thermal_apic_entry),   OPT(thermal_apic_exit),
    OPT(error_apic_entry),     OPT(error_apic_exit),       OPT(spurious_apic_entry),
    OPT(spurious_apic_exit),   OPT(deferred_error_entry),  OPT(deferred_error_exit),
    OPT(threshold_apic_entry), OPT(threshold_apic_exit),   OPT(softirq_entry),
    OPT(softirq_exit),         OPT(hrtimer_expire_entry),  OPT(hrtimer_expire_exit),
    OPT(timer_expire_entry),   OPT(timer_expire_exit),     OPT(nmi_handler),
};
#undef OPT

const char* const kRequired[] = {"sched_switch",       "sched_waking",       "sched_wakeup_new",
                                 "sched_process_fork", "sched_process_exec", "sched_process_exit"};

bool HasTracepoint(const btf* vmlinux, const char* name) {
  std::string type = std::string("btf_trace_") + name;
  return btf__find_by_name_kind(vmlinux, type.c_str(), BTF_KIND_TYPEDEF) >= 0;
}

int AppendRecord(void* ctx, void* data, size_t size) {
  auto* out = static_cast<std::vector<uint8_t>*>(ctx);
  const uint8_t* p = static_cast<const uint8_t*>(data);
  out->insert(out->end(), p, p + size);
  return 0;
}

class Session;

class ReadWorker : public Napi::AsyncWorker {
 public:
  ReadWorker(Napi::Env env, Session* session, int timeout_ms);
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& e) override { Finish(); deferred_.Reject(e.Value()); }

 private:
  void Finish();
  Napi::Promise::Deferred deferred_;
  Session* session_;
  int timeout_ms_;
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
    int tgid = opts.Has("tgid") ? opts.Get("tgid").As<Napi::Number>().Int32Value() : 0;
    uint32_t wakeup_bytes = opts.Has("wakeupBytes")
                                ? opts.Get("wakeupBytes").As<Napi::Number>().Uint32Value()
                                : ring_bytes / 8;
    if (ring_bytes < 4096 || (ring_bytes & (ring_bytes - 1)))
      throw CodedError(env, "LL_BAD_OPTION", "ring buffer size must be a power of two of at least 4096 bytes");

    std::string err = Open(ring_bytes, irq_spans, tgid, wakeup_bytes, env);
    if (!err.empty()) {
      Destroy();
      throw CodedError(env, code_.c_str(), err, errno_, detail_);
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
  std::string Fail(const char* code, const std::string& message, int err = 0) {
    code_ = code;
    errno_ = err;
    return message;
  }

  std::string Open(uint32_t ring_bytes, bool irq_spans, int tgid, uint32_t wakeup_bytes, Napi::Env env) {
    struct stat st;
    if (stat("/sys/kernel/btf/vmlinux", &st) != 0)
      return Fail("LL_NO_BTF",
                  "this kernel has no BTF (/sys/kernel/btf/vmlinux is missing): lifeline needs a kernel "
                  "built with CONFIG_DEBUG_INFO_BTF=y");
    libbpf_set_print(OnLibbpfPrint);
    TakeLog();
    btf* vmlinux = btf__load_vmlinux_btf();
    if (!vmlinux) return Fail("LL_NO_BTF", "cannot read the kernel's BTF at /sys/kernel/btf/vmlinux", errno);
    for (const char* tp : kRequired) {
      if (!HasTracepoint(vmlinux, tp)) {
        btf__free(vmlinux);
        return Fail("LL_NO_TRACEPOINT", std::string("this kernel has no tracepoint sched:") + tp +
                                            ", which lifeline needs");
      }
    }
    skel_ = lifeline_bpf__open();
    if (!skel_) {
      btf__free(vmlinux);
      return Fail("LL_OPEN_FAILED", "cannot open the BPF object: " + TakeLog(), errno);
    }
    for (const Optional& o : kOptional) {
      if (!HasTracepoint(vmlinux, o.tracepoint)) {
        bpf_program__set_autoload(o.prog(skel_), false);
        skipped_.push_back(o.tracepoint);
      }
    }
    btf__free(vmlinux);
    skel_->rodata->irq_spans = irq_spans;
    skel_->rodata->targ_tgid = tgid;
    skel_->rodata->wakeup_bytes = wakeup_bytes;
    bpf_map__set_max_entries(skel_->maps.events, ring_bytes);

    int err = lifeline_bpf__load(skel_);
    if (err) {
      int e = -err;
      std::string log = TakeLog();
      if (e == EPERM || (e == EACCES && geteuid() != 0))
        return Fail("LL_NO_PERMISSION",
                    "loading BPF programs needs root (or CAP_BPF and CAP_PERFMON): run lifeline record "
                    "with sudo",
                    e);
      detail_ = log;
      std::string tail = log.size() > 4000 ? log.substr(log.size() - 4000) : log;
      return Fail("LL_LOAD_FAILED", "the kernel refused lifeline's BPF programs (" +
                                        std::string(strerror(e)) + "); verifier log:\n" + tail,
                  e);
    }
    err = lifeline_bpf__attach(skel_);
    if (err) {
      int e = -err;
      if (e == EPERM || e == EACCES)
        return Fail("LL_NO_PERMISSION", "attaching BPF programs needs root (or CAP_BPF and CAP_PERFMON)", e);
      return Fail("LL_ATTACH_FAILED",
                  "cannot attach lifeline's BPF programs (" + std::string(strerror(e)) + "): " + TakeLog(), e);
    }
    rb_ = ring_buffer__new(bpf_map__fd(skel_->maps.events), AppendRecord, &pending_, nullptr);
    if (!rb_) return Fail("LL_RINGBUF_FAILED", "cannot open the ring buffer: " + TakeLog(), errno);
    // Our own epoll set: the ring buffer's epoll fd plus an eventfd that interrupt() signals,
    // so that a pending read returns at once when the recording stops.
    efd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    if (efd_ < 0 || ep_ < 0) return Fail("LL_RINGBUF_FAILED", "cannot create the reader's epoll set", errno);
    struct epoll_event ev = {};
    ev.events = EPOLLIN;
    ev.data.fd = ring_buffer__epoll_fd(rb_);
    if (epoll_ctl(ep_, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0)
      return Fail("LL_RINGBUF_FAILED", "cannot watch the ring buffer", errno);
    ev.data.fd = efd_;
    if (epoll_ctl(ep_, EPOLL_CTL_ADD, efd_, &ev) < 0)
      return Fail("LL_RINGBUF_FAILED", "cannot watch the reader's eventfd", errno);
    return "";
  }

  void Destroy() {
    if (ep_ >= 0) close(ep_);
    if (efd_ >= 0) close(efd_);
    ep_ = efd_ = -1;
    if (rb_) ring_buffer__free(rb_);
    rb_ = nullptr;
    if (skel_) lifeline_bpf__destroy(skel_);
    skel_ = nullptr;
  }

  void CheckOpen(Napi::Env env) {
    if (!skel_) throw CodedError(env, "LL_CLOSED", "the recording session is closed");
    if (busy) throw CodedError(env, "LL_BUSY", "a read is already in progress on this session");
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
    Consume(&out, 0);
    if (out.empty()) return info.Env().Null();
    return Napi::Buffer<uint8_t>::Copy(info.Env(), out.data(), out.size());
  }

  // lost() -> number[]: reservation failures per CPU so far.
  Napi::Value Lost(const Napi::CallbackInfo& info) {
    if (!skel_) throw CodedError(info.Env(), "LL_CLOSED", "the recording session is closed");
    int ncpu = libbpf_num_possible_cpus();
    std::vector<uint64_t> values(ncpu > 0 ? ncpu : 1);
    uint32_t zero = 0;
    Napi::Array out = Napi::Array::New(info.Env(), values.size());
    if (bpf_map_lookup_elem(bpf_map__fd(skel_->maps.lost), &zero, values.data()) == 0)
      for (size_t i = 0; i < values.size(); i++) out.Set(i, Napi::Number::New(info.Env(), (double)values[i]));
    return out;
  }

  // detach(): stop the events; what is already in the ring buffer stays for drain().
  Napi::Value DetachJs(const Napi::CallbackInfo& info) {
    if (busy) throw CodedError(info.Env(), "LL_BUSY", "cannot detach while a read is in progress");
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
    if (busy) throw CodedError(info.Env(), "LL_BUSY", "cannot close while a read is in progress");
    Destroy();
    return info.Env().Undefined();
  }

 public:
  // Called from the worker thread (read) or the JS thread (drain), never both.
  int Consume(std::vector<uint8_t>* out, int timeout_ms) {
    pending_.clear();
    if (timeout_ms > 0) {
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
    out->swap(pending_);
    return n;
  }

  void Detach() {
    if (skel_) lifeline_bpf__detach(skel_);
  }

 private:
  lifeline_bpf* skel_ = nullptr;
  ring_buffer* rb_ = nullptr;
  int ep_ = -1, efd_ = -1;
  std::vector<uint8_t> pending_;
  std::vector<std::string> skipped_;
  std::string code_, detail_;
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
  if (n < 0 && n != -EINTR) SetError(std::string("reading the ring buffer failed: ") + strerror(-n));
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

// layout() -> the record layout as compiled, for the TypeScript mirror's test.
Napi::Value Layout(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  Napi::Object off = Napi::Object::New(env);
#define F(name) off.Set(#name, Napi::Number::New(env, offsetof(struct ll_event, name)))
  F(ts); F(cpu); F(kind); F(flags); F(tid); F(tid2); F(a); F(b); F(c); F(addr);
#undef F
  off.Set("name", Napi::Number::New(env, offsetof(struct ll_name_event, name)));
  o.Set("offsets", off);
  o.Set("eventSize", Napi::Number::New(env, sizeof(struct ll_event)));
  o.Set("nameEventSize", Napi::Number::New(env, sizeof(struct ll_name_event)));
  o.Set("nameLen", Napi::Number::New(env, LL_NAME_LEN));
  Napi::Object kinds = Napi::Object::New(env);
#define K(name) kinds.Set(#name, Napi::Number::New(env, LL_##name))
  K(SWITCH); K(WAKING); K(WAKEUP_NEW); K(FORK); K(EXEC); K(EXIT); K(COMM); K(IRQ_ENTRY); K(IRQ_EXIT);
  K(SOFTIRQ_ENTRY); K(SOFTIRQ_EXIT); K(NMI); K(IRQ_NAME); K(SYM);
#undef K
  o.Set("kinds", kinds);
  Napi::Object flags = Napi::Object::New(env);
#define G(name) flags.Set(#name, Napi::Number::New(env, LL_F_##name))
  G(CTX_MASK); G(REMOTE); G(IDLE); G(ON_RQ); G(SYSVEC); G(UNSURE); G(PREEMPT);
#undef G
  o.Set("flags", flags);
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Session", Session::Define(env));
  exports.Set("layout", Napi::Function::New(env, Layout));
  return exports;
}

}  // namespace

NODE_API_MODULE(lifeline, Init)
