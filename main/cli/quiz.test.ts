import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { generateQuiz } from '../../shared/quiz/generate'
import { simulatorProof } from '../lab/quiz-proof'
import type { QuizQuestion } from '../../shared/quiz/types'
import { QuizStore } from '../store/quiz-store'
import { parseResponse, runQuizCli } from './quiz'
import { runCli } from './run-cli'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } }
}

/** The line that answers `q` right (predict-run: the first option; the run decides). */
function rightLine(q: QuizQuestion): string {
  if (q.type === 'predict-run') return '1'
  return q.answer.map((id) => q.options.findIndex((o) => o.id === id) + 1).join(' ')
}

describe('socklab quiz --json', () => {
  it('prints { seed, questions }, the same for the same seed', async () => {
    const a = capture()
    expect(await runCli(['quiz', '--seed', '42', '--json'], a.io)).toBe(0)
    expect(a.out).toHaveLength(1)
    const doc = JSON.parse(a.out[0] ?? '')
    expect(Object.keys(doc)).toEqual(['seed', 'questions'])
    expect(doc).toEqual(
      JSON.parse(JSON.stringify(generateQuiz({ seed: 42, proof: simulatorProof() }))),
    )
    const b = capture()
    await runCli(['quiz', '--json', '--seed', '42', '--lang', 'zh'], b.io)
    expect(b.out).toEqual(a.out)
    const c = capture()
    await runCli(['quiz', '--seed', '43', '--json'], c.io)
    expect(c.out).not.toEqual(a.out)
  })

  it('without a seed picks one and prints it, so the quiz can be repeated', async () => {
    const a = capture()
    await runQuizCli(['--json'], a.io, { now: () => new Date(1_700_000_123_456) })
    const seed = JSON.parse(a.out[0] ?? '').seed as number
    const b = capture()
    await runQuizCli(['--json', '--seed', String(seed)], b.io)
    expect(b.out).toEqual(a.out)
  })

  it.each([
    [['--seed', 'x'], '--seed must be a whole number'],
    [['--seed', '-1'], '--seed must be a whole number'],
    [['--seed', '4294967296'], '--seed must be a whole number'],
    [['--lang', 'fr'], '--lang must be zh or en, got "fr"'],
    [['--backend', 'sim'], 'Unknown option "--backend" for quiz'],
  ])('refuses %j with exit code 2', async (argv, message) => {
    const a = capture()
    expect(await runCli(['quiz', ...argv], a.io)).toBe(2)
    expect(a.err.join('\n')).toContain(message)
    expect(a.out).toEqual([])
  })
})

describe('socklab quiz in the terminal', () => {
  it('asks every question, runs predictions on the simulator, scores and saves the attempt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-cli-quiz-'))
    dirs.push(dir)
    const quiz = generateQuiz({ seed: 42, proof: simulatorProof() })
    const lines = quiz.questions.flatMap((q, i) =>
      i === 0 ? ['nonsense', rightLine(q)] : [rightLine(q)],
    )
    const a = capture()
    const code = await runQuizCli(['--seed', '42'], a.io, {
      input: Readable.from(lines.map((l) => `${l}\n`)),
      dataDir: dir,
    })
    expect(code).toBe(0)
    const text = a.out.join('\n')
    expect(text).toContain('seed 42')
    // The nonsense line was refused, as a choice or as an order (whichever question seed 42
    // draws first: a new summary-table row changes the draw).
    expect(text).toMatch(/Type (one|each) number from 1 to/)
    const predictions = quiz.questions.filter((q) => q.type === 'predict-run')
    if (predictions.length > 0) {
      expect(text).toContain('The simulator returned')
      expect(text).toContain('<- predict')
    }
    const score = Number(/Score: (\d+) of 10\./.exec(text)?.[1])
    expect(score).toBeGreaterThanOrEqual(10 - predictions.length)
    const store = QuizStore.open(dir)
    try {
      const [saved] = store.listAttempts()
      expect(saved).toMatchObject({ seed: 42, score, total: 10, lang: 'en' })
      expect(saved?.answers.map((x) => x.questionId)).toEqual(quiz.questions.map((q) => q.id))
      for (const x of saved?.answers.filter((y) => y.type === 'predict-run') ?? [])
        expect(x.run?.backend).toBe('sim')
    } finally {
      store.close()
    }
  })

  it('stops on q (or the end of input) and saves nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-cli-quiz-'))
    dirs.push(dir)
    const a = capture()
    const code = await runQuizCli(['--seed', '1', '--lang', 'zh'], a.io, {
      input: Readable.from(['q\n']),
      dataDir: dir,
    })
    expect(code).toBe(0)
    expect(a.out.join('\n')).toContain('已在第 0 / 10 题后停止，未保存。')
    const store = QuizStore.open(dir)
    expect(store.countAttempts()).toBe(0)
    store.close()
  })
})

describe('parseResponse', () => {
  const [choice] = generateQuiz({
    seed: 3,
    types: ['cause-to-result'],
    proof: simulatorProof(),
  }).questions
  const [order] = generateQuiz({ seed: 3, types: ['order'], proof: simulatorProof() }).questions
  it('reads one number for a choice and every number once for an order', () => {
    if (!choice || !order) throw new Error('no questions')
    expect(parseResponse(choice, ' 2 ')).toEqual([choice.options[1]?.id])
    expect(parseResponse(choice, '0')).toBeUndefined()
    expect(parseResponse(choice, '1 2')).toBeUndefined()
    const n = order.options.length
    const all = [...Array(n).keys()].map((i) => i + 1)
    expect(parseResponse(order, all.reverse().join(','))).toEqual(
      order.options.map((o) => o.id).reverse(),
    )
    expect(parseResponse(order, '1 1 2')).toBeUndefined()
  })
})

describe('socklab quiz --format moodle|gift', () => {
  const tmp = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-lms-'))
    dirs.push(dir)
    return dir
  }

  it('writes the generated quiz as Moodle XML: every question, one right answer each', async () => {
    const a = capture()
    expect(await runCli(['quiz', '--seed', '7', '--format', 'moodle'], a.io)).toBe(0)
    const xml = a.out.join('\n')
    const quiz = generateQuiz({ seed: 7, proof: simulatorProof() })
    const questions = xml.match(/<question type="(?!category)/g) ?? []
    expect(questions).toHaveLength(quiz.questions.length)
    // Predict-then-run questions about catalog cases take the simulator's Linux run.
    expect(a.err).toEqual([])
    expect(xml).toContain('<?xml version="1.0" encoding="UTF-8"?>')
    const b = capture()
    await runCli(['quiz', '--seed', '7', '--format', 'moodle'], b.io)
    expect(b.out).toEqual(a.out)
  })

  it('exports a pack file and reads a GIFT pack back; own labs are named as left out', async () => {
    const dir = tmp()
    const pack = join(dir, 'week3.yaml')
    writeFileSync(
      pack,
      `pack: 1
id: week3
title: { en: Week 3, zh: 第三周 }
questions:
  - id: q1
    prompt: { en: 'Who sends RST {to} a SYN?', zh: 谁回复 RST？ }
    options:
      - { id: a, text: { en: "the server's TCP", zh: 服务端的 TCP } }
      - { id: b, text: { en: 'the client ~ app', zh: 客户端 } }
    answer: a
    explanation: { en: 'RFC 9293 #3.10', zh: 见 RFC 9293 }
labs:
  - id: own
    step: 0
    script: { labScript: 1, steps: [{ actor: client, op: connect, port: 7002 }] }
`,
    )
    const a = capture()
    expect(await runCli(['quiz', '--format', 'gift', '--pack', pack, '--lang', 'zh'], a.io)).toBe(0)
    expect(a.err).toEqual([expect.stringContaining('未导出 predict-run:week3:own')])
    const gift = join(dir, 'week3.zh.gift.txt')
    writeFileSync(gift, a.out.join('\n'))
    const b = capture()
    expect(await runCli(['quiz', '--format', 'moodle', '--pack', gift, '--lang', 'zh'], b.io)).toBe(
      0,
    )
    expect(b.out.join('\n')).toContain('<text><![CDATA[谁回复 RST？]]></text>')
    expect(b.out.join('\n')).toContain('<text>$course$/top/第三周</text>')
    writeFileSync(join(dir, 'bad.gift'), 'Who? {=no one =nobody}\n')
    const c = capture()
    expect(await runCli(['quiz', '--format', 'gift', '--pack', join(dir, 'bad.gift')], c.io)).toBe(
      2,
    )
    expect(c.err.join('\n')).toMatch(/bad\.gift:1:1 question 1: a short-answer question/)
  })

  it.each([
    [['--format', 'pdf'], '--format must be moodle or gift'],
    [['--pack', 'x.yaml'], '--pack goes with --format'],
    [['--json', '--format', 'gift'], 'pick one'],
  ])('refuses %j', async (argv, message) => {
    const a = capture()
    expect(await runQuizCli(argv, a.io)).toBe(2)
    expect(a.err.join('\n')).toContain(message)
  })
})
