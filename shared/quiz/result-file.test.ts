import { describe, expect, it } from 'vitest'
import { packQuiz, parsePack } from './pack'
import {
  buildResultFile,
  parseResultFile,
  quizzesOfPack,
  regradeResult,
  type ResultFile,
} from './result-file'
import type { QuizAnswer, QuizQuestion } from './types'

const PACK = `pack: 1
id: wk
title: { en: Week, zh: 周 }
seed: 3
questions:
  - id: who
    prompt: { en: Who resets?, zh: 谁重置？ }
    options:
      - { id: kernel, text: { en: The kernel, zh: 内核 } }
      - { id: app, text: { en: The app, zh: 应用 } }
    answer: kernel
    explanation: { en: x, zh: x }
labs:
  - id: refused
    step: 1
    script:
      labScript: 1
      steps:
        - { actor: server, op: listen, port: 7000 }
        - { actor: client, op: connect, port: 7001 }
`

const parsed = parsePack(PACK)
if (!parsed.ok) throw new Error(parsed.message)
const pack = parsed.pack
const quiz = packQuiz(pack)
const [custom, lab] = quiz.questions as [QuizQuestion, QuizQuestion]

/** A result file as the app writes it, from the answers given. */
function result(answers: QuizAnswer[], student = 'Ann'): ResultFile {
  return buildResultFile({
    attempt: {
      id: 'a',
      startedAt: '2026-03-01T08:00:00.000Z',
      finishedAt: '2026-03-01T08:10:00.000Z',
      seed: quiz.seed,
      packId: 'wk',
      lang: 'en',
      answers,
      score: answers.filter((a) => a.correct).length,
      total: answers.length,
    },
    questions: quiz.questions,
    classCode: 'C1',
    student,
    packId: 'wk',
  })
}

function answer(q: QuizQuestion, response: string[], correct: boolean, expected = q.answer) {
  return { questionId: q.id, type: q.type, topic: q.topic, response, correct, expected }
}

const refused = lab.options.find((o) => o.id === 'error:ECONNREFUSED')?.id ?? lab.options[0]!.id
const other = lab.options.find((o) => o.id !== refused)!.id

describe('regradeResult', () => {
  it('keeps an honest file, rebuilt from the pack', () => {
    const file = result([answer(custom, ['kernel'], true), answer(lab, [other], false, [refused])])
    const edited = { ...file, answers: file.answers.map((a) => ({ ...a, topic: 'edited' })) }
    const regraded = regradeResult(edited, pack, quizzesOfPack(pack))
    expect(regraded).toMatchObject({ ok: true, result: { score: 1, total: 2 } })
    expect(regraded.ok && regraded.result.answers.map((a) => a.topic)).toEqual(['custom', 'custom'])
  })

  it('keeps a file whose time ran out before a lab was run', () => {
    const file = result([answer(custom, ['app'], false), answer(lab, [], false, [])])
    expect(regradeResult(file, pack, quizzesOfPack(pack)).ok).toBe(true)
  })

  it('refuses a wrong answer marked right, naming the student', () => {
    const file = result(
      [answer(custom, ['app'], true), answer(lab, [other], false, [refused])],
      'Bo',
    )
    expect(parseResultFile(JSON.stringify(file)).ok).toBe(true)
    expect(regradeResult(file, pack, quizzesOfPack(pack))).toEqual({
      ok: false,
      message: `Bo's result (class C1, pack wk) was altered: it claims 1 of 2, the answers graded again against the pack give 0 of 2 (question "${custom.id}" is not marked as its answer deserves); not imported.`,
    })
  })

  it('refuses a lab answer whose reported run is not one of its options', () => {
    const file = result([
      answer(custom, ['kernel'], true),
      answer(lab, ['nonsense'], true, ['nonsense']),
    ])
    expect(regradeResult(file, pack, quizzesOfPack(pack))).toMatchObject({
      ok: false,
      message: expect.stringContaining(`question "${lab.id}"`),
    })
  })

  it('refuses a file with a question left out, or another seed', () => {
    const short = result([answer(custom, ['kernel'], true)])
    expect(regradeResult(short, pack, quizzesOfPack(pack))).toMatchObject({
      ok: false,
      message: expect.stringMatching(
        /^Ann's result .*\(its questions are not the questions of the pack\)/,
      ),
    })
    const reseeded = {
      ...result([answer(custom, ['kernel'], true), answer(lab, [], false, [])]),
      seed: 4,
    }
    expect(regradeResult(reseeded, pack, quizzesOfPack(pack))).toMatchObject({
      ok: false,
      message: expect.stringContaining("its seed is 4, the pack's is 3"),
    })
  })
})

describe('parseResultFile', () => {
  it('wants ISO 8601 dates, naming the field', () => {
    const file = result([answer(custom, ['kernel'], true), answer(lab, [], false, [])])
    expect(parseResultFile(JSON.stringify({ ...file, finishedAt: 'yesterday' }))).toEqual({
      ok: false,
      message: 'field "finishedAt": is not an ISO 8601 date and time (like 2025-03-01T09:30:00Z)',
    })
    expect(
      parseResultFile(JSON.stringify({ ...file, startedAt: '2026-03-01T08:00:00+08:00' })).ok,
    ).toBe(true)
  })

  it('names the line and column of a JSON error', () => {
    expect(parseResultFile('{\n  "socklabResult": 1,\n  oops\n}')).toEqual({
      ok: false,
      message: 'not JSON: line 3, column 3: unexpected "o", expected a key in double quotes',
    })
  })
})
