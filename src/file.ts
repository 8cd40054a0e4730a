/** The entrypoint of the filing step (file/action.yml): it starts run() from file-main.ts. */
import { run } from './file-main.js'

await run()
