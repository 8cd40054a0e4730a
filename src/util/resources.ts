import { readFileSync } from 'node:fs'

/** CPU seconds of this process and of the tool processes it waited for. */
export interface CpuSample {
  harness: number
  tools: number
}

/**
 * Reads utime/stime (this process) and cutime/cstime (its reaped children)
 * from /proc/self/stat, so the harness's own share of the campaign's CPU can
 * be reported; on systems without /proc the tools' share reads as 0.
 */
export function cpuSample(): CpuSample {
  const own = process.cpuUsage()
  let tools: number
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17.
    tools = (Number(fields[13]) + Number(fields[14])) / 100
  } catch {
    tools = 0
  }
  return { harness: (own.user + own.system) / 1e6, tools }
}

/** What the campaign cost: CPU split between harness and tools, and peak memory. */
export interface ResourceUse {
  harnessCpuSeconds: number
  toolsCpuSeconds: number
  /** Harness CPU as a share of all CPU the campaign used (0..1). */
  harnessShare: number
  peakRssMb: number
}

export function resourceUse(start: CpuSample, end: CpuSample = cpuSample()): ResourceUse {
  const harness = end.harness - start.harness
  const tools = end.tools - start.tools
  return {
    harnessCpuSeconds: Math.round(harness * 100) / 100,
    toolsCpuSeconds: Math.round(tools * 100) / 100,
    harnessShare: harness + tools > 0 ? Math.round((harness / (harness + tools)) * 1000) / 1000 : 0,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024)
  }
}
