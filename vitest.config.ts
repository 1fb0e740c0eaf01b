import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Recording tests load BPF programs that see the whole machine: run files one at a time.
    fileParallelism: false,
    reporters: ['default'],
  },
});
