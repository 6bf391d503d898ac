/** Entry of `npm run --silent socklab -- ...` (tsx) and of `node out/main/cli.js ...`. */
import { runCli } from './run-cli'

// `socklab doctor | head`: when the reader goes away, stop writing and finish normally (a run
// in progress still cleans up) instead of dying on an unhandled EPIPE.
let stdoutGone = false
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') stdoutGone = true
  else throw error
})

runCli(process.argv.slice(2), {
  out: (text) => {
    if (!stdoutGone) process.stdout.write(`${text}\n`)
  },
  err: (text) => process.stderr.write(`${text}\n`),
}).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(
      `socklab failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    process.exitCode = 4
  },
)
