#!/usr/bin/env node
// `npm run dist`: the installers of the desktop app for this OS (Linux: AppImage and deb,
// Windows: NSIS, macOS: dmg), in release/<version>/. It checks first that the Electron runtime
// can be had (cached, ELECTRON_DIST, or its download server answers), so that a machine without
// internet access gets one clear sentence within seconds instead of a hanging download; then it
// builds (electron-vite) and runs electron-builder with electron-builder.yml.
// `npm run dist -- --linux | --win | --mac` picks the target OS (cross builds need their tools).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const PROBE_TIMEOUT_MS = 10_000
const OFFLINE =
  'npm run dist: cannot download the Electron binary from this machine (no network to GitHub releases); ' +
  'build installers on a machine with internet access: npm ci && npm run dist.'
const NETWORK_ERROR =
  /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|getaddrinfo|fetch failed|socket hang up|unable to (?:download|get)|cannot download/i

const HOST = { linux: '--linux', win32: '--win', darwin: '--mac' }
const TARGETS = { '--linux': 'linux', '--win': 'win32', '--mac': 'darwin' }

function fail(sentence) {
  console.error(sentence)
  process.exit(1)
}

const requested = process.argv.slice(2).filter((a) => a in TARGETS)
const unknown = process.argv.slice(2).filter((a) => !(a in TARGETS))
if (unknown.length > 0 || requested.length > 1) {
  fail(
    `npm run dist: unknown or conflicting options ${process.argv.slice(2).join(' ')}; use one of --linux, --win, --mac.`,
  )
}
const flag = requested[0] ?? HOST[process.platform]
if (!flag) fail(`npm run dist: electron-builder cannot build installers on ${process.platform}.`)
const targetPlatform = TARGETS[flag]
const electronVersion = JSON.parse(
  readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
).version
const arch = process.env.npm_config_arch ?? process.arch
const zipName = `electron-v${electronVersion}-${targetPlatform}-${arch}.zip`

/** @electron/get's cache folder (ELECTRON_CACHE overrides it). */
function electronCacheDir() {
  if (process.env.ELECTRON_CACHE) return process.env.ELECTRON_CACHE
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'electron')
  if (process.platform === 'win32')
    return join(process.env.LOCALAPPDATA ?? homedir(), 'electron', 'Cache')
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'electron')
}

/** True when the runtime zip is already cached (flat or in @electron/get's hashed folders). */
function cached() {
  const dir = electronCacheDir()
  if (existsSync(join(dir, zipName))) return true
  try {
    return readdirSync(dir, { withFileTypes: true }).some(
      (entry) => entry.isDirectory() && existsSync(join(dir, entry.name, zipName)),
    )
  } catch {
    return false
  }
}

/** Asks the download server for the runtime's checksum file; true when it answers at all. */
async function downloadServerAnswers() {
  const mirror =
    process.env.ELECTRON_MIRROR ?? 'https://github.com/electron/electron/releases/download/'
  const base = mirror.endsWith('/') ? mirror : `${mirror}/`
  const url = `${base}v${electronVersion}/SHASUMS256.txt`
  try {
    const response = await fetch(url, {
      method: 'HEAD',
      redirect: 'manual',
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    })
    return response.status < 500
  } catch {
    return false
  }
}

const builderArgs = ['--config', 'electron-builder.yml', flag, '--publish', 'never']
if (process.env.ELECTRON_DIST) {
  // A folder holding an unpacked Electron or its zip: no runtime download at all.
  if (!existsSync(process.env.ELECTRON_DIST))
    fail(`npm run dist: ELECTRON_DIST=${process.env.ELECTRON_DIST} does not exist.`)
  builderArgs.push(`-c.electronDist=${process.env.ELECTRON_DIST}`)
} else if (!cached() && !(await downloadServerAnswers())) {
  fail(OFFLINE)
}

console.log(
  `Building the app, then the ${targetPlatform} installers (Electron ${electronVersion}, ${arch})...`,
)
const build = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules/electron-vite/bin/electron-vite.js'),
    'build',
    '-c',
    'electron.config.ts',
  ],
  { cwd: root, stdio: 'inherit' },
)
if (build.status !== 0)
  fail('npm run dist: the app did not build (see the errors above); fix them and run it again.')

// electron-builder's own output is shown as it comes and also kept, to explain a failure.
const builder = spawn(
  process.execPath,
  [join(root, 'node_modules/electron-builder/cli.js'), ...builderArgs],
  {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  },
)
let output = ''
builder.stdout.on('data', (chunk) => {
  output += chunk
  process.stdout.write(chunk)
})
builder.stderr.on('data', (chunk) => {
  output += chunk
  process.stderr.write(chunk)
})
builder.on('close', (code) => {
  if (code === 0) {
    console.log(
      `Installers are in release/${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}/.`,
    )
    process.exit(0)
  }
  if (NETWORK_ERROR.test(output))
    fail(OFFLINE.replace('the Electron binary', 'the Electron binary or its packaging tools'))
  fail('npm run dist: electron-builder failed (see its messages above).')
})
