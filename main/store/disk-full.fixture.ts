/**
 * Test support (never shipped): imports question packs into the store in `dataDir` through
 * the quiz calls until one fails, then prints that failure's message (`failed <message>`).
 * Run on a small tmpfs (store-damage.test.ts mounts one in a private mount namespace), it
 * shows what a user reads when the disk fills up.
 * Usage: node --import tsx disk-full.fixture.ts <dataDir>
 */
import { createQuizCalls } from '../lab/quiz-service'

const [dataDir] = process.argv.slice(2)
if (!dataDir) throw new Error('usage: disk-full <dataDir>')
const quiz = createQuizCalls({ dataDir })
const filler = `# ${'x'.repeat(60_000)}\n`
for (let i = 0; i < 1000; i++) {
  const text = `${filler}pack: 1\nid: p${i}\ntitle: { en: P, zh: P }\ngenerate: { count: 1 }\n`
  const answer = await quiz.calls.packImport({ name: `p${i}.yaml`, text })
  if (!answer.ok) {
    process.stdout.write(`failed ${answer.error.message}\n`)
    break
  }
}
quiz.close()
