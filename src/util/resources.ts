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

/**
 * The figures a report shows for `harness` and `tools` CPU seconds and a
 * peak memory: seconds to the hundredth, the harness's share to the
 * thousandth. One rule for a campaign (resourceUse) and a merge of shards'
 * totals, so a night's figures read like a shard's.
 */
export function resourceFigures(harness: number, tools: number, peakRssMb: number): ResourceUse {
  return {
    harnessCpuSeconds: Math.round(harness * 100) / 100,
    toolsCpuSeconds: Math.round(tools * 100) / 100,
    harnessShare: harness + tools > 0 ? Math.round((harness / (harness + tools)) * 1000) / 1000 : 0,
    peakRssMb
  }
}

/** What the campaign cost since `start`: the CPU split between harness and tools, and peak memory. */
export function resourceUse(start: CpuSample, end: CpuSample = cpuSample()): ResourceUse {
  return resourceFigures(
    end.harness - start.harness,
    end.tools - start.tools,
    Math.round(process.resourceUsage().maxRSS / 1024)
  )
}
