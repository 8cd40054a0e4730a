import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Campaign tests spawn many qemu-img processes; two files at a time
    // keep a 2-core machine responsive and timeouts honest.
    maxWorkers: 2,
    // A temporary folder and a process marker per test file, checked empty
    // and gone after it (support/leftovers.ts).
    setupFiles: ['__tests__/support/leftovers.ts'],
    reporters: ['default']
  }
})
