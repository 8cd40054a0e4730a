import { readFileSync } from 'node:fs'

/** An action.yml read as its sections (`inputs`, `outputs`, `runs`), their entries and those entries' keys. */
export type ActionYml = Record<string, Record<string, Record<string, string>>>

/**
 * A minimal reader for action.yml's own shape: top-level sections, their
 * two-space-indented entries and those entries' four-space `key: value`
 * lines (block scalars are skipped; only single-line values are read).
 */
export function readActionYml(file: string): ActionYml {
  const sections: ActionYml = {}
  let section: Record<string, Record<string, string>> | undefined
  let entry: Record<string, string> | undefined
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const top = /^([\w-]+):/.exec(line)
    const second = /^ {2}([\w-]+):\s*(.*)$/.exec(line)
    const third = /^ {4}([\w-]+):\s*(.*)$/.exec(line)
    if (top) {
      section = sections[top[1]] = {}
      entry = undefined
    } else if (second && section) {
      entry = section[second[1]] = second[2] ? { value: second[2] } : {}
    } else if (third && entry) {
      entry[third[1]] = third[2].replace(/^'(.*)'$/, '$1')
    }
  }
  return sections
}
