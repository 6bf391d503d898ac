/**
 * Browser mode entry: `node out/main/web.js [--port N] [--no-open]` (or `npm run dev:web`).
 * Serves the built UI and the contract on 127.0.0.1, prints the URL with its access token
 * (main/web/door.ts), opens the browser at it. SOCKLAB_WEB_TOKEN sets the token instead of a
 * random one (the end-to-end tests do, to know it in advance); it must be at least 22
 * characters of base64url (128 bits).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createLabService } from '../lab/service'
import { APP_VERSION } from '../lab/version'
import { defaultDataDir } from '../store/data-dir'
import { parseWebArgs, rendererDir } from './args'
import { TOKEN_PATTERN } from './door'
import { openBrowser } from './open-browser'
import { PortInUseError, startWebHost } from './server'

async function main(): Promise<number> {
  const args = parseWebArgs(process.argv.slice(2))
  if (typeof args === 'string') {
    console.error(args)
    return 2
  }
  const dir = rendererDir(import.meta.url)
  if (!existsSync(join(dir, 'index.html'))) {
    console.error(
      `The UI is not built yet (${dir} is missing): run "npm run build" (npm start does it for you).`,
    )
    return 2
  }
  const token = process.env.SOCKLAB_WEB_TOKEN
  if (token !== undefined && !TOKEN_PATTERN.test(token)) {
    console.error(
      'SOCKLAB_WEB_TOKEN must be 22 to 128 letters, digits, "-" or "_" (at least 128 bits); unset it for a random one.',
    )
    return 2
  }
  // The quiz's SQLite file: SOCKLAB_DATA_DIR, else the platform's per-user data folder.
  const service = createLabService({
    shell: 'web',
    version: APP_VERSION,
    dataDir: defaultDataDir(),
    // A live class serves its student page from the same build (main/class).
    rendererDir: dir,
  })
  let host
  try {
    host = await startWebHost({
      service,
      rendererDir: dir,
      port: args.port,
      ...(token ? { token } : {}),
    })
  } catch (error) {
    await service.dispose()
    if (error instanceof PortInUseError) {
      console.error(error.message)
      return 2
    }
    throw error
  }
  // The URL carries the access token: only who has it (this terminal, the browser it opens)
  // can use the lab.
  console.log(`Socket Anomaly Lab (browser mode) is running at ${host.url}`)
  if (args.open) console.log(await openBrowser(host.url))
  console.log('Press Ctrl+C to stop.')
  // Ctrl+C, SIGTERM or a closed terminal (SIGHUP): cancel every run and wait for its cleanup
  // (processes, namespace), close the server, say so, and exit with 128 + the signal number.
  const exitCodes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const
  let stopping = false
  const stop = async (name: keyof typeof exitCodes): Promise<void> => {
    if (stopping) return
    stopping = true
    const runs = service.activeRuns()
    await service.dispose()
    await host.close()
    console.log(
      `Browser mode stopped by ${name}${runs > 0 ? `: ${runs} run${runs > 1 ? 's' : ''} cancelled and cleaned up` : ''}.`,
    )
    process.exit(exitCodes[name])
  }
  for (const name of Object.keys(exitCodes) as (keyof typeof exitCodes)[])
    process.on(name, () => void stop(name))
  return -1
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code)
  },
  (error: unknown) => {
    console.error(
      `Browser mode failed to start: ${error instanceof Error ? error.message : String(error)}`,
    )
    process.exit(1)
  },
)
