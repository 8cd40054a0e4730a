/**
 * The entrypoint for the action: it starts run() from main.ts, in a Node
 * whose heap suits a process that forks thousands of tools (relaunch.ts).
 */
import { run } from './main.js'
import { relaunchWithSmallHeap } from './relaunch.js'

const code = await relaunchWithSmallHeap()
if (code === null) await run()
else process.exitCode = code
