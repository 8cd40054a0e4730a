/** A qemu-img version, as its `--version` prints it. */
export interface QemuVersion {
  major: number
  minor: number
  patch: number
  /** The first line of `qemu-img --version`. */
  text: string
}

/** Parses `qemu-img version 7.2.22 (Debian 1:7.2+dfsg-7)` and similar. */
export function parseQemuVersion(text: string): QemuVersion {
  const firstLine = text.split('\n')[0].trim()
  const m = /version\s+(\d+)\.(\d+)(?:\.(\d+))?/.exec(text)
  if (!m) return { major: 0, minor: 0, patch: 0, text: firstLine }
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), text: firstLine }
}

/** True when the reference qemu-img is at least major.minor. */
export function qemuAtLeast(v: QemuVersion, major: number, minor = 0): boolean {
  return v.major > major || (v.major === major && v.minor >= minor)
}
