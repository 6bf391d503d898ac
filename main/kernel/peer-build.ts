/**
 * Peers started from source (tests, `npm run socklab`, `npm run bench`) would each load tsx
 * and compile TypeScript at start-up: most of a second per peer on a loaded 2-core machine,
 * longer than most runs. Instead the peer's few modules are transpiled once with the
 * project's own TypeScript into a cache folder named by a hash of their sources (so an edit
 * makes a new one), `node_modules/.cache/` like other tools' caches (not a shared /tmp, where
 * another user could plant one), and peers start as plain `node peer.js`. The built app never needs this:
 * electron-vite bundles `peer.js`.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'

/** The local modules `entry` imports, itself included (relative imports only). */
export function peerModules(dir: string, entry = 'peer'): Map<string, string> {
  const out = new Map<string, string>()
  const visit = (name: string): void => {
    if (out.has(name)) return
    const source = readFileSync(join(dir, `${name}.ts`), 'utf8')
    out.set(name, source)
    for (const m of source.matchAll(/from '\.\/([\w-]+)'/g)) visit(m[1]!)
  }
  visit(entry)
  return out
}

let built: Promise<string> | null = null

/** Path of the transpiled `peer.js` for the sources in `dir` (built once per process). */
export function compiledPeer(dir: string): Promise<string> {
  built ??= build(dir).catch((error: unknown) => {
    built = null
    throw error
  })
  return built
}

async function build(dir: string): Promise<string> {
  const modules = peerModules(dir)
  const hash = createHash('sha256')
  for (const [name, source] of [...modules].sort()) hash.update(name).update('\0').update(source)
  const cache = resolve(dir, '../../node_modules/.cache')
  const target = join(cache, `socklab-peer-${hash.digest('hex').slice(0, 16)}`)
  const entry = join(target, 'peer.js')
  if (existsSync(entry)) return entry
  // Loaded through createRequire, which the bundler does not follow: the built app never gets
  // here and must not carry TypeScript (8 MB) in its bundle.
  const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript')
  const staging = `${target}.${process.pid}.tmp`
  rmSync(staging, { recursive: true, force: true })
  mkdirSync(staging, { recursive: true })
  // CommonJS, so `./c-socket` resolves to c-socket.js without rewriting the imports.
  writeFileSync(join(staging, 'package.json'), '{ "type": "commonjs" }\n')
  for (const [name, source] of modules) {
    const js = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
      fileName: `${name}.ts`,
    }).outputText
    writeFileSync(join(staging, `${name}.js`), js)
  }
  try {
    mkdirSync(dirname(target), { recursive: true })
    renameSync(staging, target)
  } catch {
    // Another process made it first: theirs is the same build.
    rmSync(staging, { recursive: true, force: true })
  }
  return entry
}
