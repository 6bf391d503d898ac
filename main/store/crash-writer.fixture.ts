/**
 * Test support (never shipped): a child process that saves quiz attempts in a loop and prints
 * `committed <id>` after each commit returns, until it is killed or reaches its bound.
 * Usage: node --import tsx crash-writer.fixture.ts <dataDir> <maxAttempts> <answersPerAttempt>
 */
import { QuizStore } from './quiz-store'
import type { QuizAttempt } from '../../shared/quiz/types'

const [dataDir, maxArg, answersArg] = process.argv.slice(2)
if (!dataDir) throw new Error('usage: crash-writer <dataDir> <max> <answers>')
const max = Number(maxArg ?? 1000)
const perAttempt = Number(answersArg ?? 20)
const store = QuizStore.open(dataDir)
for (let i = 0; i < max; i++) {
  const id = `${process.pid}-${i}`
  const answers = Array.from({ length: perAttempt }, (_, k) => ({
    questionId: `q${k}`,
    type: 'custom' as const,
    topic: k % 2 ? 'rst' : 'timeout',
    response: ['a'],
    expected: [k % 3 ? 'a' : 'b'],
    correct: k % 3 !== 0,
  }))
  const attempt: QuizAttempt = {
    id,
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    seed: i,
    lang: 'en',
    answers,
    score: answers.filter((a) => a.correct).length,
    total: answers.length,
  }
  store.saveAttempt(attempt)
  process.stdout.write(`committed ${id}\n`)
}
store.close()
process.stdout.write('done\n')
