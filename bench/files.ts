/**
 * Hostile-files bench (`npm run bench -- files`): FILES_BENCH_COUNT generated files per format
 * (10,000 by default; FILES_BENCH_SEED picks the seed, 1 by default) of lab scripts (JSON and
 * YAML), question packs and result files, from main/cli/hostile-files.fixture.ts, each read
 * the way the app reads it. Reported per format: how many were tried, read and refused, and
 * how many broke the promise (a throw, a stack trace, a refusal naming no line or field):
 * target 0. The first few broken ones are printed with their bytes, ready for a test.
 */
import fc from 'fast-check'
import { FORMATS, hostileFile, readFile, verdict } from '../main/cli/hostile-files.fixture'
import type { BenchRow } from './index'

/** Generated a chunk at a time: a few of the files are megabytes long. */
const CHUNK = 500

/** Runs the bench. */
export async function runFilesBench(
  count = Number(process.env.FILES_BENCH_COUNT ?? 10_000),
  seed = Number(process.env.FILES_BENCH_SEED ?? 1),
): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  for (const format of FORMATS) {
    const started = performance.now()
    let tried = 0
    let read = 0
    let broken = 0
    for (let chunk = 0; tried < count; chunk++) {
      const files = fc.sample(hostileFile(format), {
        seed: seed * 1_000_003 + chunk,
        numRuns: Math.min(CHUNK, count - tried),
      })
      for (const bytes of files) {
        tried++
        const why = verdict(format, bytes)
        if (why) {
          broken++
          if (broken <= 3)
            console.log(
              `${format}: ${why.slice(0, 500)}\n  file (${bytes.length} bytes, base64): ${Buffer.from(bytes.subarray(0, 2000)).toString('base64')}`,
            )
        } else if (readFile(format, bytes).ok) read++
      }
      // Let the event loop breathe between chunks (the bench prints as it goes).
      await new Promise((resolve) => setImmediate(resolve))
    }
    const seconds = (performance.now() - started) / 1000
    rows.push(
      { name: `files ${format}: inputs tried (seed ${seed})`, value: tried, unit: '' },
      { name: `files ${format}: read as valid`, value: read, unit: '' },
      { name: `files ${format}: refused with a message`, value: tried - read - broken, unit: '' },
      {
        name: `files ${format}: crashed, stack trace or no line/field`,
        value: broken,
        unit: '',
        target: '0',
        pass: broken === 0,
      },
      { name: `files ${format}: files per second`, value: tried / seconds, unit: '/s' },
    )
  }
  return rows
}
