/** Command line of browser mode, and where the built UI lives. */
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Default port: stable, so a bookmark keeps working; `--port 0` picks any free one. */
export const DEFAULT_PORT = 47100

/** Where the built renderer is, from source (tsx) or from the bundle in out/main. */
export function rendererDir(moduleUrl: string): string {
  const here = dirname(fileURLToPath(moduleUrl))
  return moduleUrl.endsWith('.ts')
    ? resolve(here, '../../out/renderer')
    : resolve(here, '../renderer')
}

/** Parsed options. */
export interface WebArgs {
  port: number
  open: boolean
}

/** Parses the command line; returns an error sentence for bad input. */
export function parseWebArgs(argv: string[]): WebArgs | string {
  const args: WebArgs = { port: DEFAULT_PORT, open: true }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--no-open') args.open = false
    else if (a === '--port') {
      const value = Number(argv[++i])
      if (!Number.isInteger(value) || value < 0 || value > 65535) {
        return `--port needs a number from 0 to 65535, got ${JSON.stringify(argv[i] ?? '')}.`
      }
      args.port = value
    } else return `Unknown option ${JSON.stringify(a)}. Usage: web [--port N] [--no-open]`
  }
  return args
}
