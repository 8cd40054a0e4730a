/**
 * Lets one task run with nothing else in flight. instar's real operations
 * boot a KVM guest, and parallel load on KVM has manufactured timeouts
 * that looked like divergences in instar's own CI: a timeout is therefore
 * confirmed with every other worker paused, so our own parallelism cannot
 * produce a false `instar_timeout`.
 */
export class QuietGate {
  private running = 0
  private held = false
  private waiters: Array<() => void> = []

  /** Runs `task` alongside other shared tasks (blocked while one runs alone). */
  async shared<T>(task: () => Promise<T>): Promise<T> {
    while (this.held) await this.wait()
    this.running++
    try {
      return await task()
    } finally {
      this.running--
      this.wake()
    }
  }

  /** Runs `task` once nothing else runs, holding new shared tasks back. */
  async exclusive<T>(task: () => Promise<T>): Promise<T> {
    while (this.held) await this.wait()
    this.held = true
    try {
      while (this.running > 0) await this.wait()
      return await task()
    } finally {
      this.held = false
      this.wake()
    }
  }

  private wait(): Promise<void> {
    return new Promise(resolve => this.waiters.push(resolve))
  }

  private wake(): void {
    const waiting = this.waiters
    this.waiters = []
    for (const resolve of waiting) resolve()
  }
}
