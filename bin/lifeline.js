#!/usr/bin/env node
import { main } from '../dist/bundle/lifeline.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`lifeline: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 70;
  },
);
