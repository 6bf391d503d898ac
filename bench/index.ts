/**
 * `npm run bench`: the speed and memory targets of the project, measured (never checked by
 * timed tests). Each suite returns rows; a row with a target says whether it met it.
 * `npm run bench -- sim` (or `kernel`, `render`, `fuzz`) runs one suite; with no name, all of
 * them but `fuzz`, which takes a quarter of an hour (1,000 scripts on the real kernel).
 */
import { runFilesBench } from './files'
import { runFuzzBench } from './fuzz'
import { runKernelBench } from './kernel'
import { runRenderBench } from './render'
import { runSimBench } from './sim'

/** One measured figure. */
export interface BenchRow {
  name: string
  value: number
  unit: string
  target?: string
  pass?: boolean
}

const suites: Record<string, () => Promise<BenchRow[]>> = {
  sim: runSimBench,
  kernel: runKernelBench,
  render: runRenderBench,
  fuzz: runFuzzBench,
  files: runFilesBench,
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'))
  const names = wanted.length ? wanted : Object.keys(suites).filter((n) => n !== 'fuzz')
  let missed = 0
  for (const name of names) {
    const suite = suites[name]
    if (!suite) {
      console.error(`Unknown bench suite "${name}" (one of ${Object.keys(suites).join(', ')}).`)
      process.exitCode = 2
      return
    }
    console.log(`\n## ${name}`)
    for (const row of await suite()) {
      const verdict = row.pass === undefined ? '' : row.pass ? '  ok' : '  MISSED'
      if (row.pass === false) missed++
      const target = row.target ? `  (target ${row.target})` : ''
      console.log(
        `${row.name.padEnd(58)} ${row.value.toFixed(row.value < 10 ? 2 : 0).padStart(12)} ${row.unit}${target}${verdict}`,
      )
    }
  }
  console.log(missed ? `\n${missed} target(s) missed.` : '\nEvery target met.')
}

void main()
