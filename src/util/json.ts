/** A JSON object (not an array, not null). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Parses JSON, or returns undefined: tools under test may print anything. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** The JSON object `text` holds, or undefined when it holds anything else. */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  const v = parseJson(text)
  return isObject(v) ? v : undefined
}
