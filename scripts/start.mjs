#!/usr/bin/env node
// `npm start`: build what is missing or stale, launch the desktop app, and where no Electron
// runtime can start, say why in one paragraph and start browser mode instead.
// `npm start -- --web` (or `npm run dev:web`) goes straight to browser mode.
// Options after `--` other than --web are passed to browser mode (e.g. --port 0, --no-open).
import { spawn, spawnSync } from 'node:child_process'
import {
  accessSync,
  constants,
  existsSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const webOnly = args.includes('--web')
const webArgs = args.filter((a) => a !== '--web')

const OUTPUTS = [
  'out/main/index.js',
  'out/main/web.js',
  'out/main/cli.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
]
const SOURCES = ['main', 'renderer', 'shared', 'electron.config.ts', 'package.json']
const STAMP = join(root, 'out', '.build-stamp')

function newestMtime(path) {
  const full = join(root, path)
  if (!existsSync(full)) return 0
  const info = statSync(full)
  if (!info.isDirectory()) return info.mtimeMs
  let newest = 0
  for (const entry of readdirSync(full)) {
    if (entry === 'node_modules') continue
    newest = Math.max(newest, newestMtime(join(path, entry)))
  }
  return newest
}

function buildIfNeeded() {
  const missing = OUTPUTS.filter((o) => !existsSync(join(root, o)))
  const stamp = existsSync(STAMP) ? Number(readFileSync(STAMP, 'utf8')) : 0
  const stale = SOURCES.some((s) => newestMtime(s) > stamp)
  if (missing.length === 0 && !stale) return
  console.log(
    missing.length ? 'Building the app (first start)...' : 'Sources changed: rebuilding the app...',
  )
  const started = Date.now()
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/electron-vite/bin/electron-vite.js'),
      'build',
      '-c',
      'electron.config.ts',
    ],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
  if (result.status !== 0) {
    console.error('The build failed (see the errors above); fix them and run npm start again.')
    process.exit(1)
  }
  writeFileSync(STAMP, String(started))
  console.log(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.`)
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** The Electron executable, or a sentence saying why there is none. */
function findElectron() {
  if (process.env.ELECTRON_PATH) {
    if (executable(process.env.ELECTRON_PATH)) return { path: process.env.ELECTRON_PATH }
    return {
      why: `ELECTRON_PATH is set to ${process.env.ELECTRON_PATH}, which is not an executable file.`,
    }
  }
  const pkg = join(root, 'node_modules/electron')
  const pathFile = join(pkg, 'path.txt')
  const installed = () =>
    existsSync(pathFile) && executable(join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim()))
  if (!installed()) {
    // Electron 45 fetches its binary on first use; try once, quietly, with a time limit.
    console.log('Fetching the Electron runtime (first start only)...')
    const fetch = spawnSync(process.execPath, [join(pkg, 'install.js')], {
      cwd: root,
      stdio: 'pipe',
      timeout: 180_000,
      encoding: 'utf8',
    })
    if (fetch.status !== 0 || !installed()) {
      const reason = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|fetch failed|getaddrinfo/i.test(
        `${fetch.stderr}${fetch.error ?? ''}`,
      )
        ? 'this machine cannot reach the Electron download server'
        : fetch.error?.code === 'ETIMEDOUT'
          ? 'the download did not finish within 3 minutes'
          : 'the download failed'
      return {
        why: `The Electron runtime is not installed and could not be downloaded (${reason}).`,
      }
    }
  }
  return { path: join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim()) }
}

function startWeb(extra) {
  const child = spawn(process.execPath, [join(root, 'out/main/web.js'), ...extra], {
    cwd: root,
    stdio: 'inherit',
  })
  const forward = (signal) => child.kill(signal)
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  child.on('exit', (code) => process.exit(code ?? 0))
}

function explain(why) {
  console.log(
    [
      '',
      `Socket Anomaly Lab cannot open its desktop window here: ${why} ` +
        'To get one, run "npm ci" on a machine with internet access (Electron fetches its runtime on first start), ' +
        'or set ELECTRON_PATH to an Electron 45 executable. Everything else works the same in a browser, ' +
        'so the app now starts in browser mode.',
      '',
    ].join('\n'),
  )
}

buildIfNeeded()
if (webOnly) {
  startWeb(webArgs)
} else {
  const electron = findElectron()
  if (!electron.path) {
    explain(electron.why)
    startWeb(webArgs)
  } else {
    const started = Date.now()
    const child = spawn(electron.path, [root], { cwd: root, stdio: ['ignore', 'inherit', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      process.stderr.write(chunk)
    })
    child.on('error', (error) => {
      explain(`the Electron runtime at ${electron.path} could not be started (${error.message}).`)
      startWeb(webArgs)
    })
    child.on('exit', (code, signal) => {
      // A window that dies at once (no display, missing libraries) means no runtime can start here.
      if (code !== 0 && Date.now() - started < 10_000) {
        const first = stderr.split('\n').find((l) => l.trim()) ?? `exit code ${code ?? signal}`
        explain(`the Electron runtime could not open a window (${first.trim()}).`)
        startWeb(webArgs)
      } else process.exit(code ?? 0)
    })
  }
}
