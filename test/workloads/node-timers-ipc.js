// Demo workload: a node process that wakes on timers and talks to a child
// over IPC for SECONDS seconds (default 4). The seed scenario of lifeline.
import { fork } from 'node:child_process';

const seconds = Number(process.argv[2] ?? 4);

if (process.argv[3] === 'child') {
  process.title = 'node-ipc-child';
  process.on('message', (m) => {
    if (m === 'stop') process.exit(0);
    process.send({ echo: m, at: Date.now() });
  });
} else {
  process.title = 'node-timers';
  const child = fork(new URL(import.meta.url).pathname, [String(seconds), 'child']);
  let sent = 0;
  let received = 0;
  child.on('message', () => {
    received++;
  });
  const ipc = setInterval(() => child.send(sent++), 7);
  let ticks = 0;
  const tick = setInterval(() => {
    ticks++;
    let x = 0;
    for (let i = 0; i < 20000; i++) x += i; // a little work per tick
    return x;
  }, 10);
  setTimeout(() => {
    clearInterval(ipc);
    clearInterval(tick);
    child.send('stop');
    child.on('exit', () => console.log(`node-timers: ${ticks} ticks, ${sent} sent, ${received} echoed`));
  }, seconds * 1000);
}
