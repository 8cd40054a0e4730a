/**
 * A finding's standalone reproducer, as its issue shows it: written by
 * src/fuzz/repro/ next to the finding's report, rendered by
 * src/github/render.ts, which knows nothing of how it was made.
 */
export interface Reproducer {
  /** The script inside the report folder: `findings/<fingerprint>/repro.sh`. */
  path: string
  /** The POSIX sh script itself. */
  script: string
  /** The minimal case in words: the source, the operation, its knobs, the plan's details. */
  caseWords: string[]
}
