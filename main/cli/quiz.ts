/**
 * `socklab quiz [--seed N] [--lang zh|en] [--json] [--format moodle|gift [--pack FILE]]`
 * (docs/lab-script-format.md). `--format` writes the quiz (or a pack) for an LMS
 * (main/cli/quiz-export.ts). With `--json` it
 * prints the generated quiz, `{ "seed", "questions" }`, the same for the same seed. Without,
 * it runs the quiz in the terminal: one question at a time, feedback with the explanation,
 * predict-then-run questions really run their case on the simulator, then the score and the
 * mastery per topic; the attempt is saved in the app's store like one taken in the app.
 */
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { generateQuiz } from '../../shared/quiz/generate'
import { computeMastery, gradeResponse, toAnswer, topicName } from '../../shared/quiz/grade'
import { seedFromTime } from '../../shared/quiz/prng'
import { classText } from '../../shared/quiz/result-text'
import { runOutcomeOf } from '../../shared/quiz/run-outcome'
import { questionScript, scriptLines, scriptLineText } from '../../shared/quiz/script-text'
import type { QuizAnswer, QuizAttempt, QuizQuestion, RunOutcome } from '../../shared/quiz/types'
import { parseLabScript } from '../../shared/lab-script'
import { simulatorProof } from '../lab/quiz-proof'
import { runScript } from '../lab/session'
import { createBackends } from '../backend/registry'
import { defaultDataDir } from '../store/data-dir'
import { QuizStore } from '../store/quiz-store'
import { LMS_FORMATS, runQuizExport, type LmsFormat } from './quiz-export'
import type { CliIo } from './run-cli'

const DONE = 0
const BAD_INPUT = 2

/** Options of `socklab quiz`. */
export interface QuizArgs {
  seed?: number
  lang: 'zh' | 'en'
  json: boolean
  /** Write the quiz as Moodle XML or GIFT instead of taking it. */
  format?: LmsFormat
  /** With `format`: a pack file (YAML, JSON or GIFT) instead of a generated quiz. */
  pack?: string
}

/** Reads the quiz command's options; a string is the message of a bad one. */
export function parseQuizArgs(argv: readonly string[]): QuizArgs | string {
  const args: QuizArgs = { lang: 'en', json: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? ''
    if (a === '--json') args.json = true
    else if (a === '--seed') {
      const v = argv[++i] ?? ''
      const n = Number(v)
      if (!/^\d+$/.test(v) || n > 4294967295)
        return `--seed must be a whole number from 0 to 4294967295, got "${v}".`
      args.seed = n
    } else if (a === '--lang') {
      const v = argv[++i] ?? ''
      if (v !== 'zh' && v !== 'en') return `--lang must be zh or en, got "${v}".`
      args.lang = v
    } else if (a === '--format') {
      const v = argv[++i] ?? ''
      if (!(LMS_FORMATS as readonly string[]).includes(v))
        return `--format must be moodle or gift, got "${v}".`
      args.format = v as LmsFormat
    } else if (a === '--pack') {
      const v = argv[++i] ?? ''
      if (!v) return '--pack needs a file (a YAML, JSON or GIFT question pack).'
      args.pack = v
    } else
      return `Unknown option "${a}" for quiz (use --seed N, --lang zh|en, --json, --format moodle|gift, --pack FILE).`
  }
  if (args.pack && !args.format) return '--pack goes with --format moodle|gift.'
  if (args.json && args.format) return '--json and --format are two different outputs: pick one.'
  return args
}

/** Where the terminal quiz reads answers and keeps the attempt (tests pass their own). */
export interface QuizCliEnv {
  input?: Readable
  dataDir?: string
  now?: () => Date
}

const TEXT = {
  en: {
    header: (seed: number, n: number) =>
      `Socket Anomaly Lab quiz: ${n} questions, seed ${seed} (the same seed gives the same quiz: --seed ${seed}). Type q to stop.`,
    choose: (n: number) => `answer (1-${n})> `,
    order: (n: number) =>
      `order (all of 1-${n}, e.g. ${[...Array(n).keys()].map((i) => i + 1).join(' ')})> `,
    badChoice: (n: number) => `Type one number from 1 to ${n}.`,
    badOrder: (n: number) => `Type each number from 1 to ${n} once, in the order you choose.`,
    steps: 'The case does this (the predicted call is marked):',
    running: 'Running the case on the simulator...',
    ran: 'The simulator returned',
    runFailed: 'The run failed',
    right: 'Right.',
    wrong: 'Wrong. The answer:',
    claim: 'The article’s table says',
    score: (s: number, t: number) => `Score: ${s} of ${t}.`,
    mastery: 'By topic:',
    missed: 'Missed (retry them with the same seed):',
    saved: (file: string) => `Saved in ${file}.`,
    notSaved: (why: string) => `Not saved: ${why}`,
    stopped: (n: number, t: number) => `Stopped after ${n} of ${t} questions; nothing saved.`,
  },
  zh: {
    header: (seed: number, n: number) =>
      `网络异常实验室测验：共 ${n} 题，种子 ${seed}（相同的种子得到相同的测验：--seed ${seed}）。输入 q 退出。`,
    choose: (n: number) => `答案（1-${n}）> `,
    order: (n: number) =>
      `顺序（1-${n} 各一次，例如 ${[...Array(n).keys()].map((i) => i + 1).join(' ')}）> `,
    badChoice: (n: number) => `请输入 1 到 ${n} 之间的一个数字。`,
    badOrder: (n: number) => `请把 1 到 ${n} 每个数字各输入一次，按你认为的顺序。`,
    steps: '这个案例的步骤（要预测的调用已标出）：',
    running: '正在模拟器上运行这个案例……',
    ran: '模拟器的结果',
    runFailed: '运行失败',
    right: '回答正确。',
    wrong: '回答错误。正确答案：',
    claim: '文章的总结表说',
    score: (s: number, t: number) => `得分：${s} / ${t}。`,
    mastery: '各主题：',
    missed: '答错的题（用同一个种子可以重做）：',
    saved: (file: string) => `已保存到 ${file}。`,
    notSaved: (why: string) => `未保存：${why}`,
    stopped: (n: number, t: number) => `已在第 ${n} / ${t} 题后停止，未保存。`,
  },
} as const

/** Parses `2`, or `2 1 3` for an order; undefined when the line is not a valid answer. */
export function parseResponse(question: QuizQuestion, line: string): string[] | undefined {
  const picks = line
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number)
  const n = question.options.length
  if (picks.some((p) => !Number.isInteger(p) || p < 1 || p > n)) return undefined
  if (question.kind === 'choice') {
    const option = picks.length === 1 ? question.options[(picks[0] ?? 0) - 1] : undefined
    return option ? [option.id] : undefined
  }
  if (picks.length !== n || new Set(picks).size !== n) return undefined
  return picks.map((p) => question.options[p - 1]?.id ?? '')
}

async function runPrediction(question: QuizQuestion): Promise<RunOutcome | string> {
  const input = questionScript(question)
  const parsed = input ? parseLabScript(input) : undefined
  if (!parsed || !parsed.ok || !question.run)
    return parsed && !parsed.ok ? parsed.message : 'the question has no case to run'
  const result = await runScript(parsed.script, createBackends().sim)
  if (!result.ok) return result.error.message
  return runOutcomeOf(question.run, result.value)
}

function saveAttempt(attempt: QuizAttempt, dataDir: string): string {
  const store = QuizStore.open(dataDir)
  try {
    store.saveAttempt(attempt)
    return store.file
  } finally {
    store.close()
  }
}

/** Runs `socklab quiz`; resolves with the exit code. */
export async function runQuizCli(
  argv: readonly string[],
  io: CliIo,
  env: QuizCliEnv = {},
): Promise<number> {
  const args = parseQuizArgs(argv)
  if (typeof args === 'string') {
    io.err(args)
    return BAD_INPUT
  }
  const now = env.now ?? (() => new Date())
  const seed = args.seed ?? seedFromTime(now().getTime())
  if (args.format)
    return runQuizExport(
      { format: args.format, lang: args.lang, seed, ...(args.pack ? { pack: args.pack } : {}) },
      io,
    )
  // Questions about results are proved against the simulator's runs before they are asked.
  const quiz = generateQuiz({ seed, proof: simulatorProof() })
  if (args.json) {
    io.out(JSON.stringify({ seed: quiz.seed, questions: quiz.questions }, null, 2))
    return DONE
  }

  const t = TEXT[args.lang]
  const lang = args.lang
  const lines = createInterface({ input: env.input ?? process.stdin, terminal: false })
  const next = lines[Symbol.asyncIterator]()
  const ask = async (prompt: string): Promise<string | undefined> => {
    io.out(prompt)
    const line = await next.next()
    return line.done ? undefined : line.value
  }
  const startedAt = now().toISOString()
  const answers: QuizAnswer[] = []
  io.out(t.header(quiz.seed, quiz.questions.length))
  try {
    for (const [i, q] of quiz.questions.entries()) {
      io.out('')
      io.out(`${i + 1}/${quiz.questions.length} [${topicName(q.topic)[lang]}] ${q.prompt[lang]}`)
      if (q.type === 'predict-run') {
        const script = questionScript(q)
        if (script) {
          io.out(t.steps)
          for (const line of scriptLines(script, q.run?.step ?? -1)) io.out(scriptLineText(line))
        }
      }
      q.options.forEach((o, k) => io.out(`  ${k + 1}) ${o.text[lang]}`))
      let response: string[] | undefined
      while (!response) {
        const n = q.options.length
        const line = await ask(q.kind === 'order' ? t.order(n) : t.choose(n))
        if (line === undefined || line.trim().toLowerCase() === 'q') {
          io.out(t.stopped(answers.length, quiz.questions.length))
          return DONE
        }
        response = parseResponse(q, line)
        if (!response) io.out(q.kind === 'order' ? t.badOrder(n) : t.badChoice(n))
      }
      let run: RunOutcome | undefined
      if (q.type === 'predict-run') {
        io.out(t.running)
        const outcome = await runPrediction(q)
        if (typeof outcome === 'string') {
          // Without a run there is nothing to grade the prediction against: it is not counted.
          io.err(`${t.runFailed}: ${outcome}`)
          continue
        }
        run = outcome
        io.out(`${t.ran}: ${run.summary}`)
      }
      const grade = gradeResponse(q, response, run)
      if (grade.status !== 'graded') continue
      answers.push(toAnswer(q, response, grade, run))
      const expected = grade.expected
        .map((id) => q.options.find((o) => o.id === id)?.text[lang] ?? classText(id)[lang])
        .join(' → ')
      io.out(grade.correct ? t.right : `${t.wrong} ${expected}`)
      if (q.claim) io.out(`${t.claim}: ${q.claim.map((c) => classText(c)[lang]).join(' / ')}`)
      io.out(q.explanation[lang])
    }
  } finally {
    lines.close()
  }

  const score = answers.filter((a) => a.correct).length
  io.out('')
  io.out(t.score(score, answers.length))
  io.out(t.mastery)
  for (const m of computeMastery(answers).filter((m) => m.answered > 0))
    io.out(`  ${topicName(m.topic)[lang]}: ${m.correct}/${m.answered}`)
  const missed = answers.filter((a) => !a.correct)
  if (missed.length > 0) {
    io.out(t.missed)
    for (const a of missed) io.out(`  ${a.questionId}`)
  }
  const attempt: QuizAttempt = {
    id: `cli-${quiz.seed}-${Date.parse(startedAt)}`,
    startedAt,
    finishedAt: now().toISOString(),
    seed: quiz.seed,
    lang,
    answers,
    score,
    total: answers.length,
  }
  try {
    io.out(t.saved(saveAttempt(attempt, env.dataDir ?? defaultDataDir())))
  } catch (error) {
    io.err(t.notSaved(error instanceof Error ? error.message : String(error)))
  }
  return DONE
}
