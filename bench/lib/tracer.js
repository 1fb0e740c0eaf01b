// A tracer that runs beside a workload rather than around it (libbpf-tools' offcputime): started
// first, awaited until its BPF programs are attached, stopped with SIGINT (it prints its report
// then) once the workload is done.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Busy CPU ticks of the whole machine (user, nice, system, irq, softirq: includes kernel BPF work). */
export const HZ = 100;
export function busyTicks() {
  const v = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return v[0] + v[1] + v[2] + v[5] + v[6];
}

/** The first of `paths` that exists as an executable the shell finds, or null. */
export function findTool(paths) {
  for (const p of paths) if (spawnSync('sh', ['-c', `command -v "$0"`, p]).status === 0) return p;
  return null;
}

/** The process holds a BPF link (what attaching a program gives it). */
function hasBpfLink(pid) {
  let fds;
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) === 'anon_inode:bpf_link') return true;
    } catch {
      // closed meanwhile
    }
  }
  return false;
}

/**
 * Starts `tracerArgv`, waits until it has attached (a BPF link, 30 s at most), runs `cmd` to
 * the end, then stops the tracer with SIGINT and waits for its report. Wall time and machine CPU
 * seconds span the tracer's whole life (start-up, the workload, the report), as they do for a
 * recorder that runs the command itself; `out` is the workload's output, `reportBytes` the tracer's.
 */
export async function runBeside(tracerArgv, cmd) {
  const t0 = process.hrtime.bigint();
  const c0 = busyTicks();
  const tracer = spawn(tracerArgv[0], tracerArgv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let reportBytes = 0;
  let err = '';
  tracer.stdout.on('data', (d) => (reportBytes += d.length));
  tracer.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => tracer.on('exit', (code, signal) => resolve({ code, signal })));
  let gone = null;
  void exited.then((e) => (gone = e));
  const deadline = Date.now() + 30_000;
  while (!hasBpfLink(tracer.pid)) {
    if (gone !== null)
      throw new Error(`${tracerArgv.join(' ')} exited (${gone.code ?? gone.signal}): ${err.slice(-500)}`);
    if (Date.now() > deadline) {
      tracer.kill('SIGKILL');
      throw new Error(`${tracerArgv.join(' ')} did not attach within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', maxBuffer: 64 << 20 });
  tracer.kill('SIGINT');
  const e = await exited;
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = (busyTicks() - c0) / HZ;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed (${r.status}): ${r.stderr}`);
  if (e.code !== 0) throw new Error(`${tracerArgv.join(' ')} failed (${e.code ?? e.signal}): ${err.slice(-500)}`);
  return { wall, cpu, out: `${r.stdout}\n${r.stderr}`, reportBytes };
}
