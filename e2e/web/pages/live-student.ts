/**
 * A student of a live class in the browser: its own browser context (its own localStorage,
 * like its own device) with the class's student page, joining and answering through the page's
 * controls only.
 */
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test'

/** One student's page. */
export class LiveStudent {
  private constructor(
    readonly name: string,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  /** Opens the join URL in a new context (English unless `locale` says otherwise). */
  static async open(browser: Browser, url: string, name: string, locale = 'en-US') {
    const context = await browser.newContext({ locale, viewport: { width: 480, height: 800 } })
    const page = await context.newPage()
    await page.goto(url, { waitUntil: 'domcontentloaded' })
    return new LiveStudent(name, context, page)
  }

  async join(): Promise<void> {
    await this.page.getByLabel(/Your name|你的名字/).fill(this.name)
    await this.page.getByTestId('live-join').click()
    await expect(this.page.getByTestId('live-me')).toContainText(this.name)
  }

  /** Answers the question `id` with option `pick`; resolves with what the feedback says. */
  async answer(id: string, pick: string): Promise<string | null> {
    const question = this.page.locator(`[data-testid="live-question"][data-question="${id}"]`)
    await expect(question).toBeVisible({ timeout: 30_000 })
    await question.locator(`[data-option="${pick}"]`).click()
    await this.page.getByTestId('live-submit').click()
    const feedback = this.page.getByTestId('live-feedback')
    await expect(feedback).toBeVisible({ timeout: 30_000 })
    return feedback.getAttribute('data-correct')
  }

  /** Self-paced: on to the next question. */
  async next(): Promise<void> {
    await this.page.getByTestId('live-next').click()
  }

  async close(): Promise<void> {
    await this.context.close()
  }
}
