/**
 * Provisioning could not produce a usable qemu-img. The message is the one
 * line the step fails with: what was tried, why it failed, and what to pass
 * instead.
 */
export class ProvisionError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ProvisionError'
  }
}
