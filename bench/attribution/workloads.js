// The workloads of `npm run bench:attribution`, each with the answer known in advance: for every
// wakeup of the workload's threads, which waker is right. An answer is a task ({ kind: 'task',
// tid, comm }, tid 0 for the idle task) or an interrupt ({ kind: 'hardirq' | 'softirq' | 'nmi',
// name }) or { kind: 'unknown' }. lifeline answers with the wakeup's cause (its source when it has
// no separate cause); perf and the naive view always answer with a task.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../lib/run.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const wl = (name) => path.join(root, 'build/workloads', name);

const isTask = (a, tid) => a.kind === 'task' && a.tid === tid;
/**
 * The interrupts of the disk that holds `dir`: the lines of /proc/interrupts whose device name
 * holds a part of the disk's sysfs path ("virtio1" of .../virtio1/block/vda/vda1, an nvme
 * controller, a PCI address), as lifeline names them ("irq 36 virtio1-req.0").
 */
function diskIrqsOf(sys) {
  const parts = sys.split('/').filter((p) => p.length >= 4 && !['sys', 'devices', 'block', 'platform'].includes(p));
  const irqs = [];
  for (const line of readFileSync('/proc/interrupts', 'utf8').split('\n')) {
    const m = /^\s*(\d+):.*?\s(\S+)\s*$/.exec(line);
    if (m && parts.some((p) => m[2].includes(p))) irqs.push(`irq ${m[1]} ${m[2]}`);
  }
  return irqs;
}
/**
 * A completion of the disk holding the workload's file (and its binaries, all under the project): that disk's interrupt, or the kernel's
 * writeback or journal thread finishing the write a waiter blocked on (the inode's writeback, the
 * journal commit). Another device's interrupt, a softirq or a random kworker is wrong.
 */
export const diskCompletion = (a, disk) =>
  (a.kind === 'hardirq' && disk.irqs.includes(a.name)) ||
  (a.kind === 'task' && (/^kworker\/u\d+:\d+/.test(a.comm ?? '') || (a.comm ?? '').startsWith(`jbd2/${disk.name}`)));
/** The disk holding `dir`: its block device's name (a partition's) and the disk's interrupts. */
export function diskOf(dir) {
  const dev = statSync(dir).dev;
  const sys = realpathSync(`/sys/dev/block/${(dev >>> 8) & 0xfff}:${(dev & 0xff) | ((dev >>> 12) & 0xfff00)}`);
  return { disk: { name: path.basename(sys), irqs: diskIrqsOf(sys) } };
}
const ids = (s) => s.trim().split(/\s+/).map(Number);

/** Loop counts scaled down for the tests (`scale` < 1), never below a few. */
const n = (count, scale) => Math.max(5, Math.round(count * scale));

/**
 * Each workload: `shell(IDS, DIR, scale, extra)` runs it and writes its ids to IDS (`extra`: what
 * `prepare(dir)` found, e.g. free ports, the disk); `parse` reads them; `sleeps(t, scale)`: how many
 * sleeps the design makes, { min, max } (none: not known in advance);
 * `pids(t)` or `tids(t)`: the processes or threads judged; `also(t)`: other processes whose threads
 * may be named (their thread ids are needed); `dByDesign`: its D sleeps are within the design's
 * count (otherwise a D sleep, a page-in, is outside it); `right(answer, tid, t, tgidOf)`.
 */
export const WORKLOADS = [
  {
    name: 'nanosleep + stress',
    about: 'll-sleeper: 500 clock_nanosleep(5 ms), with stress --cpu 2, all on CPU 1',
    known: 'the sleeper itself, as the armer of its timer',
    bins: ['ll-sleeper'],
    shell: (IDS, _DIR, scale) =>
      `taskset -c 1 stress --cpu 2 --timeout 20 >/dev/null 2>&1 & S=$!; sleep 0.2; ` +
      `taskset -c 1 ${wl('ll-sleeper')} ${n(500, scale)} 5 > ${IDS}; kill $S; wait`,
    parse: (s) => ({ sleeper: ids(s)[0] }),
    pids: (t) => [t.sleeper],
    // one sleep per loop, ended by the timer the sleeper armed itself (and at most one at the start,
    // when taskset's move to CPU 1 catches it blocked)
    sleeps: (_t, scale) => ({ min: n(500, scale), max: n(500, scale) + 1 }),
    right: (a, tid) => isTask(a, tid),
  },
  {
    name: 'pipe ping-pong',
    about: 'll-pingpong: two processes, 2000 round trips of one byte over two pipes',
    known: 'the partner process',
    bins: ['ll-pingpong'],
    shell: (IDS, _DIR, scale) => `${wl('ll-pingpong')} ${n(2000, scale)} > ${IDS}`,
    parse: (s) => {
      const [ping, pong] = ids(s);
      return { ping, pong };
    },
    pids: (t) => [t.ping, t.pong],
    // per round trip one process at least blocks in read(), both at most (a waking that finds its
    // target still on its way off the CPU ends no sleep); the parent's waitpid() at the end
    sleeps: (_t, scale) => ({ min: n(2000, scale), max: 2 * n(2000, scale) + 1 }),
    right: (a, tid, t) => isTask(a, tid === t.ping ? t.pong : t.ping),
  },
  {
    name: 'futex token ring',
    about: 'll-ring: 3 threads pass a token around a ring 2000 times (semaphores: futex)',
    known: 'the thread before it in the ring',
    bins: ['ll-ring'],
    shell: (IDS, _DIR, scale) => `${wl('ll-ring')} 3 ${n(2000, scale)} > ${IDS}`,
    parse: (s) => ({ tids: ids(s) }),
    tids: (t) => t.tids,
    // per pass of the token, one thread at least waits for it, each at most; the start barrier
    sleeps: (t, scale) => ({ min: n(2000, scale), max: t.tids.length * (n(2000, scale) + 1) }),
    right: (a, tid, t) => isTask(a, t.tids[(t.tids.indexOf(tid) + t.tids.length - 1) % t.tids.length]),
  },
  {
    name: 'TCP echo (loopback)',
    about: 'll-netpingpong tcp: two processes, 2000 round trips of one byte over loopback TCP',
    known: 'the partner process (it raised NET_RX)',
    bins: ['ll-netpingpong'],
    shell: (IDS, _DIR, scale) => `${wl('ll-netpingpong')} tcp ${n(2000, scale)} > ${IDS}`,
    parse: (s) => {
      const [cli, srv] = ids(s);
      return { cli, srv };
    },
    pids: (t) => [t.cli, t.srv],
    // per round trip one process at least blocks in recv(), both at most; accept, connect, waitpid
    sleeps: (_t, scale) => ({ min: n(2000, scale), max: 2 * n(2000, scale) + 3 }),
    right: (a, tid, t, tgidOf) => a.kind === 'task' && tgidOf(a.tid) === (tgidOf(tid) === t.cli ? t.srv : t.cli),
  },
  {
    name: 'pty ping-pong',
    about: 'll-pty: two processes, 500 round trips of one byte over a pseudo-terminal pair (raw mode)',
    known: "the partner process: its write queued the pty's flush_to_ldisc, whose kworker woke the reader",
    bins: ['ll-pty'],
    shell: (IDS, _DIR, scale) => `${wl('ll-pty')} ${n(500, scale)} > ${IDS}`,
    parse: (s) => {
      const [master, slave] = ids(s);
      return { master, slave };
    },
    pids: (t) => [t.master, t.slave],
    // per round trip one process at least blocks in read(); each read at most twice, in D on the
    // tty's buffer lock or flush_work (the partner or the item holding its byte) and then in its
    // wait for input; the parent's waitpid(). D by design
    sleeps: (_t, scale) => ({ min: n(500, scale), max: 4 * n(500, scale) + 1 }),
    dByDesign: true,
    right: (a, tid, t, tgidOf) =>
      a.kind === 'task' && tgidOf(a.tid) === (tgidOf(tid) === t.master ? t.slave : t.master),
  },
  {
    name: 'fsync on disk',
    about: 'll-fsync: 200 times 64 KiB written and fsync()ed to a file under build/ (the disk)',
    known: "the disk holding the file: its IRQ, or that disk's writeback or journal thread",
    bins: ['ll-fsync'],
    shell: (IDS, DIR, scale) => `${wl('ll-fsync')} ${DIR}/fsync.dat ${n(200, scale)} > ${IDS}`,
    parse: (s) => ({ pid: ids(s)[0] }),
    pids: (t) => [t.pid],
    // at least one wait for the disk per fsync()
    sleeps: (_t, scale) => ({ min: n(200, scale), max: null }),
    right: (a, _tid, t) => diskCompletion(a, t.disk),
  },
  {
    name: 'timerfd',
    about: 'll-timerfd: thread ll-arm arms a 2 ms timerfd 500 times, thread ll-tfdread reads it',
    known:
      'reader: ll-arm, the armer of the timer; ll-arm: the reader (semaphore), or itself as the armer of its usleep',
    bins: ['ll-timerfd'],
    shell: (IDS, _DIR, scale) => `${wl('ll-timerfd')} ${n(500, scale)} 2 > ${IDS}`,
    parse: (s) => {
      const [pid, arm, reader] = ids(s);
      return { pid, arm, reader };
    },
    pids: (t) => [t.pid],
    // the reader: one read() per expiry; ll-arm: one wait per expiry, its usleep at the start, at
    // most one wait for the reader to start and one in pthread_join at the end (the reader may not
    // have exited yet). At least one of the two waits per expiry: a thread kept off the CPU longer
    // than the 2 ms period (a loaded machine) finds its wake already there
    sleeps: (_t, scale) => ({ min: n(500, scale) + 1, max: 2 * n(500, scale) + 3 }),
    right: (a, tid, t) => (tid === t.reader ? isTask(a, t.arm) : isTask(a, t.reader) || isTask(a, tid)),
  },
  {
    name: 'prometheus + node_exporter + stress',
    about:
      "Debian's prometheus scraping prometheus-node-exporter every 1 s over loopback, 20 s (start-up included), with stress --cpu 2",
    known:
      "exporter threads: an exporter or prometheus thread (a timer as its armer, a futex, prometheus' requests), or the disk holding them",
    bins: [],
    commands: ['prometheus', 'prometheus-node-exporter', 'stress'],
    prepare: async () => ({ ports: [await freePort(), await freePort()] }),
    shell: (IDS, DIR, scale, { ports }) =>
      `export IDS; stress --cpu 2 --timeout 90 >/dev/null 2>&1 & S=$!; ` +
      `sh ${path.join(root, 'test/workloads/prom-scrape.sh')} ${DIR} ${ports[0]} ${ports[1]} ` +
      `${n(Number(process.env.BENCH_PROM_SECONDS ?? 20), scale)}; kill $S; wait`,
    parse: (s) => {
      const [prometheus, exporter] = ids(s);
      return { exporter, prometheus };
    },
    pids: (t) => [t.exporter],
    also: (t) => [t.prometheus],
    // a timer is named by the thread that armed it: one of the two processes
    right: (a, _tid, t, tgidOf) =>
      diskCompletion(a, t.disk) || (a.kind === 'task' && [t.exporter, t.prometheus].includes(tgidOf(a.tid))),
  },
];
