import { createImageArgs, qemuIoWriteArgs, type DataWrite } from '../fixture.js'
import { MBR_WRITES, sourceCreateOptions, type SourceSpec } from '../source.js'
import { fixture, QEMU_IMG, QEMU_IO, SRC, type Block } from './piece.js'
import { line, ref } from './words.js'

/** `printf` of raw bytes as octal escapes (POSIX printf has no \x). */
function printfBytes(bytes: readonly number[]): string {
  return `printf '${bytes.map(b => `\\${b.toString(8).padStart(3, '0')}`).join('')}'`
}

/** `dd` writing stdin at a byte offset of the source, in place. */
function ddAt(offset: number, length: number): string {
  const bs = offset % 512 === 0 && length % 512 === 0 ? 512 : 1
  return `dd of="$SRC" bs=${bs} seek=${offset / bs} conv=notrunc 2>/dev/null`
}

/** qemu-io's `write -P` on raw, as buildSource does it without a process: the bytes, in place. */
function rawWrite(w: DataWrite): string {
  const fill = `head -c ${w.length} /dev/zero | tr '\\000' '\\${w.byte.toString(8).padStart(3, '0')}'`
  return `${fill} | ${ddAt(w.offset, w.length)}`
}

/** The MBR buildSource writes, byte for byte, in place. */
function mbrLines(): string[] {
  return MBR_WRITES.map(w => `${printfBytes(w.bytes)} | ${ddAt(w.offset, w.bytes.length)}`)
}

/**
 * The source as buildSource makes it: qemu-img create, then the data
 * (qemu-io's writes, or the same bytes put in place on raw, and raw's
 * MBR), then its signature, which must not change: instar only reads it.
 */
export function sourceBlock(spec: SourceSpec): Block {
  const lines = [
    'mkdir "$W/source" "$W/step"',
    `SRC=${line(`${ref('W')}/source/source.${spec.format}`)}`,
    fixture(
      'create source',
      'source.create',
      QEMU_IMG,
      createImageArgs({
        format: spec.format,
        file: SRC,
        size: spec.size,
        options: sourceCreateOptions(spec)
      })
    )
  ]
  if (spec.writes.length > 0 && spec.format === 'raw') lines.push(...spec.writes.map(rawWrite))
  else if (spec.writes.length > 0)
    lines.push(
      fixture(
        'write source data',
        'source.write',
        QEMU_IO,
        qemuIoWriteArgs(spec.format, spec.writes, SRC)
      )
    )
  if (spec.pattern === 'mbr' && spec.format === 'raw') lines.push(...mbrLines())
  lines.push('SRC_SIG=$(signature "$SRC")')
  return { lines }
}
