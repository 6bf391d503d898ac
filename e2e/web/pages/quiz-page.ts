/**
 * Page objects of the Quiz and Classroom views, and a browser-mode host of the test's own (its
 * own port and data folder) for tests that restart the app: `node out/main/web.js --port 0`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import AxeBuilder from '@axe-core/playwright'
import { expect, type Locator, type Page } from '@playwright/test'
import type { QuizQuestion } from '../../../shared/quiz/types'

/** A running browser-mode host. */
export interface Host {
  url: string
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and waits until it has exited. */
  stop(): Promise<void>
}

/** Starts browser mode on a free port with `SOCKLAB_DATA_DIR=dataDir`; waits for its URL. */
export function startHost(dataDir: string): Promise<Host> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['out/main/web.js', '--port', '0', '--no-open'],
    {
      env: { ...process.env, SOCKLAB_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
  }
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    const timer = setTimeout(() => {
      void stop()
      reject(new Error(`browser mode did not start within 20 s:\n${out}${err}`))
    }, 20_000)
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()))
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const url = /running at (http:\/\/\S+)/.exec(out)?.[1]
      if (url) {
        clearTimeout(timer)
        resolve({ url, stop })
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`browser mode exited (${code}) before it started:\n${out}${err}`))
    })
  })
}

/** The Quiz view. */
export class QuizPage {
  constructor(readonly page: Page) {}

  get question(): Locator {
    return this.page.getByTestId('question')
  }

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(`${baseUrl}#/quiz`)
    await expect(this.page.getByTestId('quiz-view')).toBeVisible()
  }

  async start(seed: number, count: number): Promise<void> {
    await this.page.getByTestId('quiz-seed').fill(String(seed))
    await this.page.getByTestId('quiz-count').selectOption(String(count))
    await this.page.getByTestId('quiz-start').click()
    await expect(this.question).toBeVisible()
  }

  /** The id of the question on screen. */
  async currentId(): Promise<string> {
    return (await this.question.getAttribute('data-question')) ?? ''
  }

  /**
   * Answers the question on screen as `q` says is right (a prediction: the first option; the
   * run decides), submits, and waits for the feedback. Returns whether it was graded right.
   */
  async answer(q: QuizQuestion): Promise<boolean> {
    await expect(this.question).toHaveAttribute('data-question', q.id)
    if (q.kind === 'order') {
      for (const [target, id] of q.answer.entries()) {
        const items = this.question.locator('[data-item]')
        let ids = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-item')))
        while (ids.indexOf(id) > target) {
          await items.nth(ids.indexOf(id)).locator('[data-move="up"]').click()
          ids = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-item')))
        }
      }
    } else {
      const pick = q.type === 'predict-run' ? q.options[0]?.id : q.answer[0]
      await this.question.locator(`[data-option="${pick}"]`).click()
    }
    await this.page.getByTestId('quiz-submit').click()
    const feedback = this.page.getByTestId('quiz-feedback')
    await expect(feedback).toBeVisible({ timeout: 30_000 })
    return (await feedback.getAttribute('data-correct')) === 'true'
  }

  async next(): Promise<void> {
    await this.page.getByTestId('quiz-next').click()
  }
}

/** The Classroom view. */
export class ClassroomPage {
  constructor(readonly page: Page) {}

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(`${baseUrl}#/classroom`)
    await expect(this.page.getByTestId('classroom-view')).toBeVisible()
  }

  async importPack(file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    await this.page.getByTestId('pack-file').setInputFiles(file)
  }

  async importResults(paths: string[]): Promise<void> {
    await this.page.getByTestId('results-file').setInputFiles(paths)
    await expect(this.page.getByTestId('results-added')).toBeVisible()
  }

  studentRow(name: string): Locator {
    // JSON string syntax is valid CSS string syntax: quotes in a name are escaped.
    return this.page
      .getByTestId('gradebook-students')
      .locator(`tr[data-student=${JSON.stringify(name)}]`)
  }
}

/** Serious or critical axe violations on the page, in both themes, as readable lines. */
export async function seriousViolations(page: Page, label: string): Promise<string[]> {
  const found: string[] = []
  for (const theme of ['light', 'dark']) {
    if ((await page.getByTestId('theme-toggle').getAttribute('data-theme')) !== theme)
      await page.getByTestId('theme-toggle').click()
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
    const results = await new AxeBuilder({ page }).exclude('.xterm').analyze()
    for (const v of results.violations)
      if (v.impact === 'serious' || v.impact === 'critical')
        found.push(
          `${label} ${theme}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        )
  }
  return found
}
