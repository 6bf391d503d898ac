/**
 * Page object of the Lab view in browser mode. Tests say what a student does (pick a case,
 * choose a backend, run) and read what the student reads (errno cards, the trace terminal).
 */
import { expect, type Locator, type Page } from '@playwright/test'
import { appPath } from './app-url'

/** The slice of xterm's buffer API the trace reader uses (the page's `window.__labTerminal`). */
interface BufferLineLike {
  isWrapped: boolean
  translateToString(trimRight?: boolean): string
}
interface TerminalLike {
  buffer: { active: { length: number; getLine(i: number): BufferLineLike | undefined } }
}

/** The Lab view. */
export class LabPage {
  constructor(readonly page: Page) {}

  /** Opens the app, optionally deep-linked to a case, and waits for the catalog. */
  async goto(caseId?: string): Promise<void> {
    await this.page.goto(appPath(caseId ? `/lab/${caseId}` : ''))
    // Attached, not visible: small windows start with the case list folded away.
    await expect(
      this.page.getByTestId('case-picker').locator('button[data-case]').first(),
    ).toBeAttached()
  }

  caseButton(id: string): Locator {
    return this.page.getByTestId(`case-${id}`)
  }

  async pickCase(id: string): Promise<void> {
    const toggle = this.page.getByTestId('cases-toggle')
    if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click()
    await this.caseButton(id).click()
    await expect(this.caseButton(id)).toHaveAttribute('aria-current', 'true')
    await expect(this.runButton).toBeEnabled()
  }

  backendRadio(backend: 'sim' | 'kernel'): Locator {
    return this.page.getByTestId(`backend-${backend}`)
  }

  /** Waits until the host has said whether it has a kernel lab; returns its answer. */
  async kernelAvailable(): Promise<{ available: boolean; reason: string }> {
    const controls = this.page.getByTestId('run-controls')
    await expect(controls).toHaveAttribute('data-kernel', /^(available|unavailable)$/)
    if ((await controls.getAttribute('data-kernel')) === 'available')
      return { available: true, reason: '' }
    return {
      available: false,
      reason: (await this.page.getByTestId('kernel-reason').textContent()) ?? '',
    }
  }

  async chooseBackend(backend: 'sim' | 'kernel'): Promise<void> {
    // The radio is visually hidden under its label (a segmented control): click the label.
    await this.page
      .getByTestId('backend')
      .locator('label', { has: this.backendRadio(backend) })
      .click()
    await expect(this.backendRadio(backend)).toBeChecked()
  }

  get runButton(): Locator {
    return this.page.getByTestId('run')
  }

  get status(): Locator {
    return this.page.getByTestId('run-status')
  }

  /** Runs the picked case and waits until it has finished (done, failed or cancelled). */
  async run(): Promise<string> {
    await this.runButton.click()
    await expect(this.status).toHaveAttribute('data-status', /^(done|failed|cancelled)$/, {
      timeout: 45_000,
    })
    return (await this.status.getAttribute('data-status')) ?? ''
  }

  /** The errno card of a step, found by its call (`connect`, `accept`...). */
  card(call: string): Locator {
    return this.page.getByTestId('errno-card').filter({
      has: this.page.getByTestId('errno-call').filter({ hasText: new RegExp(`^${call}\\(`) }),
    })
  }

  get finalStates(): Locator {
    return this.page.getByTestId('final-states')
  }

  /** The trace terminal's text, line by line, read through xterm's buffer API. */
  async traceLines(): Promise<string[]> {
    return this.page.evaluate(() => {
      const term = (window as unknown as { __labTerminal?: TerminalLike }).__labTerminal
      if (!term) return []
      const buffer = term.buffer.active
      const lines: string[] = []
      for (let i = 0; i < buffer.length; i++) {
        const line = buffer.getLine(i)
        const text = line?.translateToString(true) ?? ''
        if (line?.isWrapped && lines.length > 0) lines[lines.length - 1] += text
        else lines.push(text)
      }
      return lines.filter((l) => l !== '')
    })
  }

  /** Waits until the trace terminal shows a line matching `pattern`; returns that line. */
  async expectTraceLine(pattern: RegExp): Promise<string> {
    let found = ''
    await expect
      .poll(async () => {
        found = (await this.traceLines()).find((l) => pattern.test(l)) ?? ''
        return found
      })
      .toMatch(pattern)
    return found
  }

  /** One end's state machine (`data-state` is the lit state). */
  machine(actor: 'client' | 'server'): Locator {
    return this.page.getByTestId(`sm-${actor}`)
  }

  /** The packet sequence diagram (`data-segments`, `data-dropped` count what is drawn). */
  get sequence(): Locator {
    return this.page.getByTestId('sequence')
  }

  get playbackPosition(): Locator {
    return this.page.getByTestId('pb-position')
  }

  /** Goes back to the start of the trace, then steps (the `.` key) until `done` says so. */
  async stepUntil(done: () => Promise<boolean>, max = 200): Promise<void> {
    await this.page.getByTestId('pb-replay').click()
    await this.page.getByTestId('pb-play').click() // pause the replay at once
    await this.page.getByTestId('pb-scrub').fill('0')
    for (let i = 0; i < max; i++) {
      if (await done()) return
      await this.page.getByTestId('pb-forward').click()
    }
    throw new Error(`condition not reached in ${max} steps`)
  }

  /** Types a line into the socket shell and waits until the prompt is back (run over). */
  async shell(line: string): Promise<void> {
    await this.openShell()
    await this.page.getByTestId('trace-terminal').click()
    await this.page.keyboard.type(line)
    await this.page.keyboard.press('Enter')
    await expect(this.status).not.toHaveAttribute('data-status', /^(starting|running)$/, {
      timeout: 45_000,
    })
  }

  /** Opens the shell's terminal if it is folded away (small windows start with it closed). */
  async openShell(): Promise<void> {
    const toggle = this.page.getByTestId('shell-toggle')
    if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click()
    await expect(this.page.getByTestId('trace-terminal')).toBeVisible()
  }

  async setLanguage(language: 'zh' | 'en'): Promise<void> {
    await this.page.getByTestId(`lang-${language}`).click()
    await expect(this.page.getByTestId(`lang-${language}`)).toHaveAttribute('aria-pressed', 'true')
  }
}
