// The ground-truth scenarios: workloads whose scheduling is known in advance.
// Shared by fixtures/make.js (which records them into fixtures/) and the tests
// (which record them afresh as root, or read the fixtures otherwise).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const wl = (n) => path.join(root, 'build/workloads', n);

/** Each scenario: a shell command writing the workload's ids to $IDS, and how to parse them. */
export const SCENARIOS = {
  'sleeper-stress': {
    about: 'll-sleeper: 50 clock_nanosleep(5 ms), pinned to CPU 1 with stress --cpu 2',
    shell: `taskset -c 1 stress --cpu 2 --timeout 1 >/dev/null 2>&1 & sleep 0.1; taskset -c 1 ${wl('ll-sleeper')} 50 5 > "$IDS"; wait`,
    parse: (s) => ({ sleeper: Number(s.trim()), sleeps: 50, sleepMs: 5 }),
  },
  pingpong: {
    about: 'll-ping and ll-pong: 300 round trips of one byte over two pipes, both on CPU 0',
    // on one CPU each side is asleep in read() when the other writes: one wakeup per round
    shell: `taskset -c 0 ${wl('ll-pingpong')} 300 > "$IDS"`,
    parse: (s) => {
      const [ping, pong] = s.trim().split(' ').map(Number);
      return { ping, pong, rounds: 300 };
    },
  },
  ring: {
    about: 'll-ring: 3 threads of one process pass a token around a ring 200 times (semaphores), on CPU 0',
    shell: `taskset -c 0 ${wl('ll-ring')} 3 200 > "$IDS"`,
    parse: (s) => ({ tids: s.trim().split(' ').map(Number), rounds: 200 }),
  },
};
