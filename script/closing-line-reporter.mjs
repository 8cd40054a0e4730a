// Prints one plain closing line, `tests: N passed, N failed, N skipped`,
// that CI systems which read test-runner output understand.
export default class ClosingLineReporter {
  onTestRunEnd(testModules) {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const mod of testModules) {
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed++
      for (const test of mod.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failed++
        else skipped++
      }
    }
    console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
  }
}
