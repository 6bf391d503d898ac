// The examples of issue 14 (examples/), graded by their program labs (examples/labs/) as
// `socklab grade` grades them: in Python, Node and C, the robust client and server pass every
// case; the naive ones fail, with reasons a student can read (the clients on peer.crash-rst
// and peer.host-down among others). Python and Node always; C where a C compiler is present
// (one skip line otherwise). The six pairs run side by side (vitest runs at most 5 tests at
// once), each pair's two grades one after the other: about 40 s in all.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readProgramLab } from '../../shared/program-lab'
import { PYTHON, programsUnavailable } from '../kernel/program/test-programs'
import { gradeProgram, type GradeReport } from './program-grade'

const why = await programsUnavailable()
if (why) console.log(`program examples skipped: ${why}`)

const root = join(import.meta.dirname, '..', '..')
const examples = join(root, 'examples')

async function grade(lab: string, command: string[]): Promise<GradeReport> {
  const file = join(examples, 'labs', lab)
  const read = readProgramLab(readFileSync(file, 'utf8'), file)
  if (!read.ok) throw new Error(read.problems.join('\n'))
  const answer = await gradeProgram(read.lab, read.cases, command)
  if (!answer.ok) throw new Error(answer.unsupported)
  return answer.report
}

/** Each case's verdict and, for a failed one, the reasons of its failed checks. */
function verdicts(report: GradeReport): Record<string, unknown[]> {
  return Object.fromEntries(
    report.cases.map((c) => [
      c.case,
      c.passed
        ? ['pass']
        : [
            ...(c.error ? [c.error] : []),
            ...c.checks.filter((v) => !v.passed).map((v) => v.reason.en),
          ],
    ]),
  )
}

/** The C compiler, if there is one. */
const CC: string | null = (() => {
  for (const cc of ['cc', 'gcc', 'clang']) {
    try {
      execFileSync(cc, ['--version'], { stdio: 'ignore' })
      return cc
    } catch {
      // Not this one.
    }
  }
  return null
})()
if (!why && !CC) console.log('C examples skipped: no C compiler (cc, gcc or clang) on this host')

type Lang = 'python' | 'node' | 'c'
type Role = 'client' | 'server'

/**
 * Grades `examples/<lang>/<kind>_<role>` by the role's lab. C sources are compiled into a
 * fresh folder first, removed afterwards.
 */
async function gradeExample(lang: Lang, kind: 'naive' | 'robust', role: Role) {
  const lab = role === 'client' ? 'client-faults.yaml' : 'server-faults.yaml'
  const name = `${kind}_${role}`
  if (lang === 'python')
    return grade(lab, [PYTHON!, join(examples, 'python', `${name}.py`), '{host}', '{port}'])
  if (lang === 'node')
    return grade(lab, [process.execPath, join(examples, 'node', `${name}.mjs`), '{host}', '{port}'])
  const dir = mkdtempSync(join(tmpdir(), 'socklab-c-'))
  try {
    const binary = join(dir, name)
    execFileSync(CC!, ['-O2', '-o', binary, join(examples, 'c', `${name}.c`)])
    return await grade(lab, [binary, '{host}', '{port}'])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// The reasons, as a student reads them.
const NO_TRACEBACK = 'its output contains "Traceback", which it must not'
const NODE_CRASHED = `its output contains "Unhandled 'error' event", which it must not`
const lacks = (text: string): string => `its output does not contain "${text}"`
const exited = (code: number, want: string): string =>
  `it exited with status ${code}; the lab expects ${want}`
const NONZERO = 'a non-zero status (reporting the failure)'
const SIGPIPE =
  'it was killed by SIGPIPE (a send() raises it when it fails with EPIPE: the connection was already reset or shut down); the lab expects status 0'
/**
 * A program that waited until the lab stopped it: where it waited, when strace saw a call
 * still blocked (Node's event loop is in epoll_wait, which its SIGTERM handler interrupts).
 */
function hung(limitMs: number, blockedIn: string | null, want: string): string[] {
  const where = blockedIn ? `, blocked in ${blockedIn}(),` : ''
  const ended = `was still running at the time limit${where} and was stopped by the lab`
  return [
    `did not end by itself within ${limitMs} ms: it ${ended}`,
    `it ${ended}; the lab expects ${want}`,
  ]
}
const oneAccept = expect.stringMatching(
  /^accept\(\) succeeding: 1 time, the lab expects at least 2 \(its accept\(\) calls returned fd \d+\)$/,
)
const NO_REPLY =
  'send() succeeding: 0 times, the lab expects at least 1 (it made no send() call on a socket)'

const CLIENT_PASS = {
  'connect.refused': ['pass'],
  'peer.crash-rst': ['pass'],
  'peer.host-down': ['pass'],
}
const SERVER_PASS = {
  'accept.reset': ['pass'],
  'connect.ok': ['pass'],
  'reset-then-next': ['pass'],
}

/** What the naive ones fail on, and why. */
const NAIVE: Record<Lang, Record<Role, Record<string, unknown[]>>> = {
  python: {
    client: {
      // The refusal and the reset are told by a stack trace, and the host-down wait never ends.
      'connect.refused': [NO_TRACEBACK, 'made 1 connect() attempt; the lab expects exactly 3'],
      'peer.crash-rst': [NO_TRACEBACK],
      'peer.host-down': [...hung(6000, 'recv', NONZERO), lacks('no answer')],
    },
    server: {
      'accept.reset': [exited(1, 'status 0'), NO_TRACEBACK],
      'connect.ok': [...hung(6000, 'recv', 'status 0'), lacks('idle')],
      'reset-then-next': [
        exited(1, 'status 0'),
        lacks('client sent 100 bytes'),
        NO_TRACEBACK,
        oneAccept,
        NO_REPLY,
      ],
    },
  },
  node: {
    client: {
      'connect.refused': [
        lacks('refused'),
        NODE_CRASHED,
        'made 1 connect() attempt; the lab expects exactly 3',
      ],
      'peer.crash-rst': [lacks('reset'), NODE_CRASHED],
      'peer.host-down': [...hung(6000, null, NONZERO), lacks('no answer')],
    },
    server: {
      'accept.reset': [exited(1, 'status 0'), lacks('reset'), NODE_CRASHED],
      'connect.ok': [...hung(6000, null, 'status 0'), lacks('idle')],
      'reset-then-next': [
        exited(1, 'status 0'),
        lacks('client sent 100 bytes'),
        NODE_CRASHED,
        oneAccept,
        NO_REPLY,
      ],
    },
  },
  c: {
    client: {
      // It checks nothing, so it reports success whatever happened.
      'connect.refused': [
        exited(0, NONZERO),
        lacks('refused'),
        'made 1 connect() attempt; the lab expects exactly 3',
      ],
      'peer.crash-rst': [exited(0, NONZERO), lacks('reset')],
      'peer.host-down': [...hung(6000, 'recv', NONZERO), lacks('no answer')],
    },
    server: {
      // recv()'s -1 ECONNRESET ends its loop like the end of the request; its reply to the
      // dead connection raises SIGPIPE.
      'accept.reset': [SIGPIPE, lacks('reset')],
      'connect.ok': [...hung(6000, 'recv', 'status 0'), lacks('idle')],
      'reset-then-next': [
        SIGPIPE,
        lacks('client sent 100 bytes'),
        oneAccept,
        'send() succeeding: 0 times, the lab expects at least 1 (its send() calls returned -1 EPIPE)',
      ],
    },
  },
}

describe.skipIf(why !== null)('the examples, graded by their program labs', () => {
  for (const lang of ['python', 'node', 'c'] as const)
    for (const role of ['client', 'server'] as const) {
      const lab = role === 'client' ? 'client-faults' : 'server-faults'
      it(
        `${lang} ${role}s: the robust one passes ${lab}, the naive one fails it`,
        { timeout: 120_000, concurrent: true, skip: lang === 'c' && !CC },
        async () => {
          const robust = await gradeExample(lang, 'robust', role)
          expect(verdicts(robust)).toEqual(role === 'client' ? CLIENT_PASS : SERVER_PASS)
          expect(robust).toMatchObject({ passed: true, score: { passed: 3, total: 3 }, role })
          const naive = await gradeExample(lang, 'naive', role)
          expect(verdicts(naive)).toEqual(NAIVE[lang][role])
          expect(naive).toMatchObject({ passed: false, score: { passed: 0, total: 3 } })
        },
      )
    }
})
