// The simulator's module structure (issue 13): no import circle among main/sim's files (type-only
// imports count: a circle of types is still two files that cannot be read one after the other),
// and outside main/sim/tcp/ nothing imports tcp/'s internals, only tcp/index.ts, so no file
// there can reach a socket's fields. Imports are read with TypeScript's own pre-processor.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const SIM = dirname(new URL(import.meta.url).pathname)

/** Every .ts file under `dir`, as paths relative to main/sim. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? files(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [relative(SIM, join(dir, e.name))]
        : [],
  )
}

/** The main/sim files a file imports (relative specifiers that resolve inside main/sim). */
function importsOf(file: string, all: Set<string>): string[] {
  const text = readFileSync(join(SIM, file), 'utf8')
  const out: string[] = []
  for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
    if (!fileName.startsWith('.')) continue
    const base = relative(SIM, resolve(SIM, dirname(file), fileName))
    const hit = [`${base}.ts`, `${base}/index.ts`, base].find((c) => all.has(c))
    if (hit) out.push(hit)
  }
  return out
}

/** The import graph of main/sim's files (tests left out: nothing imports them). */
function simGraph(): Map<string, string[]> {
  const all = new Set(files(SIM).filter((f) => !f.endsWith('.test.ts')))
  return new Map([...all].map((f) => [f, importsOf(f, all)]))
}

/** One import circle of a graph (as a path that ends where it starts), or null. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (node: string): string[] | null => {
    state.set(node, 'open')
    path.push(node)
    for (const next of graph.get(node) ?? []) {
      const s = state.get(next)
      if (s === 'open') return [...path.slice(path.indexOf(next)), next]
      if (s === undefined) {
        const found = visit(next)
        if (found) return found
      }
    }
    path.pop()
    state.set(node, 'done')
    return null
  }
  for (const node of [...graph.keys()].sort()) {
    if (state.has(node)) continue
    const found = visit(node)
    if (found) return found
  }
  return null
}

describe('main/sim imports', () => {
  const graph = simGraph()

  it('reads the real graph (the TCP layer and its users are in it)', () => {
    expect(graph.get('host.ts')).toContain('tcp/index.ts')
    expect(graph.get('tcp/stack.ts')).toEqual(
      expect.arrayContaining(['tcp/input.ts', 'tcp/tcb.ts']),
    )
    expect(graph.size).toBeGreaterThan(15)
  })

  it('has no import circle, type-only imports included', () => {
    expect(findCycle(graph)).toBeNull()
  })

  it('finds a circle when there is one', () => {
    const g = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'd.ts']],
      ['c.ts', []],
      ['d.ts', ['b.ts']],
    ])
    expect(findCycle(g)).toEqual(['b.ts', 'd.ts', 'b.ts'])
    g.set('d.ts', [])
    expect(findCycle(g)).toBeNull()
  })

  it('outside tcp/, only tcp/index.ts is imported from tcp/', () => {
    const breaches = [...graph].flatMap(([file, deps]) =>
      file.startsWith('tcp/')
        ? []
        : deps
            .filter((d) => d.startsWith('tcp/') && d !== 'tcp/index.ts')
            .map((d) => `${file} -> ${d}`),
    )
    expect(breaches).toEqual([])
  })
})
