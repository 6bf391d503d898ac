#!/usr/bin/env node
// `npx socklab ...` and `npm run socklab -- ...`: the CLI (main/cli) from its built bundle,
// out/main/cli.js, which answers at once (a simulator run in about 0.3 s end to end, where
// compiling the TypeScript on every call took over a second). Like `npm start`, it builds the
// app first when the bundle is missing or older than the sources it is made from.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const bundle = join(root, 'out/main/cli.js')
// The build stamp npm start writes too (scripts/start.mjs): when the last build began.
const stamp = join(root, 'out', '.build-stamp')
// What the CLI bundle is made of (the app's renderer is not part of it), and the student page
// that \`socklab class serve\` serves from out/renderer (main/class/student-files.ts).
const SOURCES = [
  'main',
  'shared',
  'electron.config.ts',
  'package.json',
  'renderer/student',
  'renderer/student.html',
]

function newerThan(path, since) {
  const full = join(root, path)
  if (!existsSync(full)) return false
  const info = statSync(full)
  if (!info.isDirectory()) return info.mtimeMs > since
  for (const entry of readdirSync(full)) {
    if (entry === 'node_modules') continue
    if (newerThan(join(path, entry), since)) return true
  }
  return false
}

function fresh() {
  if (!existsSync(bundle)) return false
  const built = existsSync(stamp) ? Number(readFileSync(stamp, 'utf8')) : statSync(bundle).mtimeMs
  return !SOURCES.some((s) => newerThan(s, built))
}

if (!fresh()) {
  // Progress goes to stderr: stdout stays the command's (`--json` is one document).
  process.stderr.write(
    'socklab: building the app first (out/ is missing or older than the sources)...\n',
  )
  const started = Date.now()
  const build = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/electron-vite/bin/electron-vite.js'),
      'build',
      '-c',
      'electron.config.ts',
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  )
  if (build.status !== 0 || !existsSync(bundle)) {
    process.stderr.write(
      'socklab: the build failed (see above); fix it and run the command again.\n',
    )
    process.exit(4)
  }
  writeFileSync(stamp, String(started))
  process.stderr.write(`socklab: built in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`)
}

// In this process: the bundle reads process.argv (node scripts/socklab.mjs run ... has the
// same arguments after the script as node out/main/cli.js run ...) and sets the exit code.
await import(pathToFileURL(bundle).href)
