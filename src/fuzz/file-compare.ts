import { open, type FileHandle } from 'node:fs/promises'

const CHUNK = 1 << 20

export type ByteDifference =
  | {
      kind: 'prefix_mismatch'
      offset: number
      instarByte: number
      qemuByte: number
      instarLength: number
      qemuLength: number
    }
  | {
      kind: 'nonzero_tail'
      side: 'instar' | 'qemu'
      offset: number
      instarLength: number
      qemuLength: number
    }

async function readAt(fh: FileHandle, buf: Buffer, length: number, position: number) {
  let done = 0
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done)
    if (bytesRead === 0) break
    done += bytesRead
  }
  return buf.subarray(0, done)
}

/**
 * Byte identity of two image files, except that the longer one may end in
 * zeros: writers legitimately round the file end to different sector or
 * cluster boundaries, and a zero tail reads the same as no tail. Returns
 * null when the files are equal in that sense, else the first difference.
 */
export async function compareFileBytes(
  instarPath: string,
  qemuPath: string
): Promise<ByteDifference | null> {
  const [fi, fq] = await Promise.all([open(instarPath, 'r'), open(qemuPath, 'r')])
  try {
    const [si, sq] = await Promise.all([fi.stat(), fq.stat()])
    const instarLength = si.size
    const qemuLength = sq.size
    const common = Math.min(instarLength, qemuLength)
    const bi = Buffer.alloc(CHUNK)
    const bq = Buffer.alloc(CHUNK)
    for (let at = 0; at < common; at += CHUNK) {
      const n = Math.min(CHUNK, common - at)
      const [ci, cq] = await Promise.all([readAt(fi, bi, n, at), readAt(fq, bq, n, at)])
      if (!ci.equals(cq)) {
        let k = 0
        while (k < n && ci[k] === cq[k]) k++
        return {
          kind: 'prefix_mismatch',
          offset: at + k,
          instarByte: ci[k],
          qemuByte: cq[k],
          instarLength,
          qemuLength
        }
      }
    }
    const side = instarLength > qemuLength ? 'instar' : 'qemu'
    const longer = side === 'instar' ? fi : fq
    const end = Math.max(instarLength, qemuLength)
    for (let at = common; at < end; at += CHUNK) {
      const chunk = await readAt(longer, bi, Math.min(CHUNK, end - at), at)
      const k = chunk.findIndex(b => b !== 0)
      if (k >= 0) return { kind: 'nonzero_tail', side, offset: at + k, instarLength, qemuLength }
    }
    return null
  } finally {
    await Promise.all([fi.close(), fq.close()])
  }
}
