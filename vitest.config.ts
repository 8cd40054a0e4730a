import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Three files at a time on a 2-core machine: a good share of the
    // suite waits (time boxes, GitHub's pace of one write a second, retry
    // back-offs) rather than computes, and every timeout the tests use has
    // room for a loaded machine.
    maxWorkers: 3,
    // A temporary folder and a process marker per test file, checked empty
    // and gone after it (support/leftovers.ts).
    setupFiles: ['__tests__/support/leftovers.ts'],
    reporters: ['default']
  }
})
