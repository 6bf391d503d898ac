/** A small class for the tests of shared/class and main/class: three questions of three kinds. */
import type { QuizQuestion } from '../quiz/types'
import type { ClassSetup } from './session'

const text = (s: string) => ({ en: s, zh: s })

/** Three questions: a choice on a table row, an order, and a predict-then-run. */
export const QUESTIONS: QuizQuestion[] = [
  {
    id: 'cause-to-result:connect.refused',
    type: 'cause-to-result',
    topic: 'rst',
    prompt: text('Nobody listens. What does connect() return?'),
    kind: 'choice',
    options: [
      { id: 'error:ECONNREFUSED', text: text('-1 ECONNREFUSED') },
      { id: 'error:ETIMEDOUT', text: text('-1 ETIMEDOUT') },
      { id: 'zero', text: text('0') },
    ],
    answer: ['error:ECONNREFUSED'],
    explanation: text('The host answers RST.'),
    caseId: 'connect.refused',
    rowId: 'connect.refused',
  },
  {
    id: 'custom:p:order',
    type: 'custom',
    topic: 'handshake',
    prompt: text('Order the handshake'),
    kind: 'order',
    options: [
      { id: 'ack', text: text('ACK') },
      { id: 'syn', text: text('SYN') },
      { id: 'synack', text: text('SYN-ACK') },
    ],
    answer: ['syn', 'synack', 'ack'],
    explanation: text('SYN, SYN-ACK, ACK.'),
  },
  {
    id: 'predict-run:p:lab',
    type: 'predict-run',
    topic: 'rst',
    prompt: text('Predict connect()'),
    kind: 'choice',
    options: [
      { id: 'zero', text: text('0') },
      { id: 'error:ECONNREFUSED', text: text('-1 ECONNREFUSED') },
    ],
    answer: [],
    explanation: text('The run decides.'),
    run: { scenarioId: 'connect.refused', step: 0, call: 'connect' },
  },
]

function counter(): (n: number) => Uint8Array {
  let next = 0
  return (n) => Uint8Array.from({ length: n }, () => next++ % 256)
}

export function setup(over: Partial<ClassSetup> = {}): ClassSetup {
  return {
    code: 'ABC234',
    packId: 'p',
    title: text('Pack'),
    seed: 7,
    questions: QUESTIONS,
    runs: {
      'predict-run:p:lab': {
        actual: 'error:ECONNREFUSED',
        backend: 'sim',
        summary: 'connect() = -1 ECONNREFUSED (111)',
      },
    },
    pacing: 'self',
    feedback: 'immediate',
    startedAt: '2026-03-02T09:00:00.000Z',
    random: counter(),
    ...over,
  }
}
