#!/usr/bin/env node
// `npm test`: every check the project has, in one run, ending with the line CI reads:
// `N passed, N failed, N skipped`. Static checks (lint, format, types, build) count as one
// test each; Vitest and Playwright report their own counts through their JSON reporters.
// `npm test -- --quick` skips the build and the browser tests.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const outDir = join(root, '.test-output')
const quick = process.argv.includes('--quick')
rmSync(outDir, { recursive: true, force: true })
mkdirSync(outDir, { recursive: true })

const bin = (name) => join(root, 'node_modules', '.bin', name)
const totals = { passed: 0, failed: 0, skipped: 0 }
const failures = []
const timings = []

function run(label, command, args, env = {}) {
  const started = Date.now()
  console.log(`\n=== ${label} ===`)
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  })
  timings.push(`${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return result.status === 0
}

function check(label, command, args) {
  if (run(label, command, args)) totals.passed++
  else {
    totals.failed++
    failures.push(label)
  }
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

check('lint', bin('eslint'), ['.'])
check('format', bin('prettier'), ['--check', '.', '--log-level', 'warn'])
check('typecheck shared (pure: no DOM, no Node)', bin('tsc'), [
  '-p',
  'tsconfig.shared.json',
  '--noEmit',
])
check('typecheck main (Node, Electron types)', bin('tsc'), ['-p', 'tsconfig.node.json', '--noEmit'])
check('typecheck renderer (vue-tsc)', bin('vue-tsc'), ['-p', 'tsconfig.web.json', '--noEmit'])

// Unit and component tests.
const vitestJson = join(outDir, 'vitest.json')
const vitestOk = run('vitest (unit and component tests)', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
])
const vitest = readJson(vitestJson)
if (vitest) {
  totals.passed += vitest.numPassedTests ?? 0
  totals.failed += vitest.numFailedTests ?? 0
  totals.skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0)
  if (!vitestOk && !vitest.numFailedTests) {
    totals.failed++
    failures.push('vitest (a suite failed to load)')
  } else if (vitest.numFailedTests) failures.push('vitest')
} else {
  totals.failed++
  failures.push('vitest (no report)')
}

if (!quick) {
  const built = run('build (electron-vite)', process.execPath, [
    join(root, 'node_modules/electron-vite/bin/electron-vite.js'),
    'build',
    '-c',
    'electron.config.ts',
  ])
  if (built) {
    totals.passed++
    writeFileSync(join(root, 'out', '.build-stamp'), String(Date.now()))
  } else {
    totals.failed++
    failures.push('build')
  }
  // Browser tests in Debian's Chromium; the Electron ones skip with one line where no binary exists.
  const pwJson = join(outDir, 'playwright.json')
  const xvfb = existsSync('/usr/bin/xvfb-run') && !process.env.DISPLAY
  const pwArgs = ['test', '--reporter=list,json']
  const pwOk = built
    ? xvfb
      ? run(
          'playwright (browser mode + Electron)',
          '/usr/bin/xvfb-run',
          ['-a', bin('playwright'), ...pwArgs],
          { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson },
        )
      : run('playwright (browser mode + Electron)', bin('playwright'), pwArgs, {
          PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson,
        })
    : false
  const pw = readJson(pwJson)
  if (pw?.stats) {
    totals.passed += (pw.stats.expected ?? 0) + (pw.stats.flaky ?? 0)
    totals.failed += pw.stats.unexpected ?? 0
    totals.skipped += pw.stats.skipped ?? 0
    if (pw.stats.unexpected) failures.push('playwright')
    if (!pwOk && !pw.stats.unexpected) {
      totals.failed++
      failures.push('playwright (the run itself failed; see above)')
    }
  } else {
    totals.failed++
    failures.push(built ? 'playwright (no report)' : 'playwright (not run: the build failed)')
  }
}

console.log(`\n=== summary ===\n${timings.join('\n')}`)
if (failures.length) console.log(`failed: ${failures.join(', ')}`)
const line = `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`
writeFileSync(join(outDir, 'summary.txt'), `${line}\n`)
console.log(line)
process.exitCode = totals.failed > 0 ? 1 : 0
