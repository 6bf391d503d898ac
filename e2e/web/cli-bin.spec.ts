/**
 * The `socklab` bin (issue 16): package.json names scripts/socklab.mjs, which runs the built
 * bundle out/main/cli.js (the web tests run after `npm run build`), so a simulator run answers
 * at once instead of compiling TypeScript on every call.
 */
import { spawnSync } from 'node:child_process'
import { accessSync, constants, readFileSync } from 'node:fs'
import { expect, test } from '@playwright/test'

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { bin?: Record<string, string> }

test('package.json has a socklab bin that runs the built CLI bundle', () => {
  const bin = pkg.bin?.socklab
  expect(bin).toBe('scripts/socklab.mjs')
  accessSync(bin!, constants.X_OK)
  expect(readFileSync(bin!, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node')
  const run = () => {
    const started = process.hrtime.bigint()
    const out = spawnSync(
      process.execPath,
      [bin!, 'run', 'connect.refused', '--backend', 'sim', '--json'],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    )
    return { out, ms: Number(process.hrtime.bigint() - started) / 1e6 }
  }
  run() // a first call may build the app (out/ older than the sources)
  const times: number[] = []
  for (let i = 0; i < 3; i++) {
    const { out, ms } = run()
    expect(out.status, out.stderr).toBe(0)
    expect(out.stderr).toBe('')
    const result = JSON.parse(out.stdout) as { steps: { errno?: string }[] }
    expect(result.steps.some((s) => s.errno === 'ECONNREFUSED')).toBe(true)
    times.push(ms)
  }
  const median = times.sort((a, b) => a - b)[1]!
  test
    .info()
    .annotations.push({ type: 'socklab run, median of 3', description: `${median.toFixed(0)} ms` })
  // About 0.3 s on a quiet machine; the bound leaves room for a loaded CI host.
  expect(median).toBeLessThan(1500)
})
