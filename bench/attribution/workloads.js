// The workloads of `npm run bench:attribution`, each with the answer known in advance: for every
// wakeup of the workload's threads, which waker is right. An answer is a task ({ kind: 'task',
// tid, comm }, tid 0 for the idle task) or an interrupt ({ kind: 'hardirq' | 'softirq' | 'nmi',
// name }) or { kind: 'unknown' }. lifeline answers with the wakeup's cause (its source when it has
// no separate cause); perf and the naive view always answer with a task.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../lib/run.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const wl = (name) => path.join(root, 'build/workloads', name);

const isTask = (a, tid) => a.kind === 'task' && a.tid === tid;
/** The thread's own timer: named as the task that armed it, or (as a source) the expiry callback. */
const ownTimer = (a, tid, callback) =>
  isTask(a, tid) || ((a.kind === 'hardirq' || a.kind === 'softirq') && (a.name ?? '').endsWith(`/${callback}`));
/** A disk completion: the device's interrupt, the BLOCK softirq, or a kernel thread completing the I/O. */
export const diskCompletion = (a) =>
  (a.kind === 'hardirq' && /^irq \d+/.test(a.name ?? '')) ||
  (a.kind === 'softirq' && (a.name ?? '').startsWith('BLOCK')) ||
  (a.kind === 'task' && /^(kworker\/|jbd2\/)/.test(a.comm ?? ''));
const ids = (s) => s.trim().split(/\s+/).map(Number);

/** Loop counts scaled down for the tests (`scale` < 1), never below a few. */
const n = (count, scale) => Math.max(5, Math.round(count * scale));

/**
 * Each workload: `shell(IDS, DIR, scale, extra)` runs it and writes its ids to IDS (`extra`: what
 * `prepare()` found, e.g. free ports); `parse` reads them;
 * `pids(t)` or `tids(t)`: the processes or threads judged; `also(t)`: other processes whose threads
 * may be named (their thread ids are needed); `right(answer, tid, t, tgidOf)`.
 */
export const WORKLOADS = [
  {
    name: 'nanosleep + stress',
    about: 'll-sleeper: 500 clock_nanosleep(5 ms), with stress --cpu 2, all on CPU 1',
    known: 'its own timer (hrtimer_wakeup)',
    bins: ['ll-sleeper'],
    shell: (IDS, _DIR, scale) =>
      `taskset -c 1 stress --cpu 2 --timeout 20 >/dev/null 2>&1 & S=$!; sleep 0.2; ` +
      `taskset -c 1 ${wl('ll-sleeper')} ${n(500, scale)} 5 > ${IDS}; kill $S; wait`,
    parse: (s) => ({ sleeper: ids(s)[0] }),
    pids: (t) => [t.sleeper],
    right: (a, tid) => ownTimer(a, tid, 'hrtimer_wakeup'),
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
    right: (a, tid, t, tgidOf) => a.kind === 'task' && tgidOf(a.tid) === (tgidOf(tid) === t.cli ? t.srv : t.cli),
  },
  {
    name: 'fsync on disk',
    about: 'll-fsync: 200 times 64 KiB written and fsync()ed to a file under build/ (the disk)',
    known: 'the disk (its IRQ, BLOCK softirq, or the kworker/jbd2 completing the I/O)',
    bins: ['ll-fsync'],
    shell: (IDS, DIR, scale) => `${wl('ll-fsync')} ${DIR}/fsync.dat ${n(200, scale)} > ${IDS}`,
    parse: (s) => ({ pid: ids(s)[0] }),
    pids: (t) => [t.pid],
    right: (a) => diskCompletion(a),
  },
  {
    name: 'timerfd',
    about: 'll-timerfd: thread ll-arm arms a 2 ms timerfd 500 times, thread ll-tfdread reads it',
    known: 'reader: the timer ll-arm armed; ll-arm: the reader (semaphore) or its own timer (usleep at the start)',
    bins: ['ll-timerfd'],
    shell: (IDS, _DIR, scale) => `${wl('ll-timerfd')} ${n(500, scale)} 2 > ${IDS}`,
    parse: (s) => {
      const [pid, arm, reader] = ids(s);
      return { pid, arm, reader };
    },
    pids: (t) => [t.pid],
    right: (a, tid, t) =>
      tid === t.reader
        ? isTask(a, t.arm) || ownTimer(a, -1, 'timerfd_tmrproc')
        : isTask(a, t.reader) || ownTimer(a, tid, 'hrtimer_wakeup'),
  },
  {
    name: 'prometheus + node_exporter + stress',
    about:
      "Debian's prometheus scraping prometheus-node-exporter every 1 s over loopback, 20 s (start-up included), with stress --cpu 2",
    known: "exporter threads: their own timers, each other, prometheus' requests, or the disk (its own reads)",
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
    right: (a, tid, t, tgidOf) =>
      ownTimer(a, -1, 'hrtimer_wakeup') ||
      diskCompletion(a) ||
      (a.kind === 'task' && [t.exporter, t.prometheus].includes(tgidOf(a.tid))),
  },
];
