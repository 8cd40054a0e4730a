/**
 * This action's version (package.json's), written into every issue it
 * files next to the stored case: when a later version cannot replay an old
 * case, the issue says which version stored it. A test keeps it equal to
 * package.json's version.
 */
export const ACTION_VERSION = '1.0.0'

/** How the action names itself where it signs what it wrote (issues, stored cases). */
export const ACTION_LABEL = `instar-diff-fuzz ${ACTION_VERSION}`
