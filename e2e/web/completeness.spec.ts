/**
 * Every text the Lab shows for every catalog case on every profile, in both languages
 * (issue 16): no `{...}` placeholder anywhere, and no English left in Chinese (two English
 * words in a row once code is taken out: renderer/lib/zh-check.ts). Two passes: the texts the
 * renderer builds (every note at every point of the run, the state changes' causes, the timer
 * figures, the trace, the error glosses) computed here from the simulator's runs with the
 * renderer's own functions; and the page itself, each run done in the app and read in Chinese
 * and English.
 */
import { expect, test } from '@playwright/test'
import { simulate } from '../../main/sim/index'
import { articleOnSystem, articleSection } from '../../shared/article'
import { CATALOG, scenarioScript } from '../../shared/catalog/index'
import { ERRNO_MEANING, isErrnoName } from '../../shared/errno'
import { PROFILE_IDS } from '../../shared/lab-script'
import { PROFILES } from '../../shared/profiles'
import { timerFigures } from '../../shared/timer-figures'
import { formatTraceLines } from '../../shared/trace-text'
import { createLabI18n } from '../../renderer/i18n/index'
import { causeParts } from '../../renderer/lib/cause-text'
import { ERRNO_GLOSS_ZH } from '../../renderer/lib/errno-gloss'
import { genericErrno, inferNotes, runNotes } from '../../renderer/lib/explain'
import { noteText } from '../../renderer/lib/note-text'
import { stepNotes } from '../../renderer/lib/step-notes'
import { synCount } from '../../renderer/lib/syn-count'
import { traceLine } from '../../renderer/lib/trace-lang'
import { englishRuns, placeholders } from '../../renderer/lib/zh-check'
import { LabPage } from './pages/lab-page'

const LANGS = ['en', 'zh'] as const

/**
 * The article's sentences, quoted as it wrote them (with [原文如此] where it erred): they
 * name errors by the OS's English message ("Connection reset by peer"), and a quotation is
 * not translated. They are left out of the English check, and nothing else is.
 */
const ARTICLE_QUOTES = [...new Set(CATALOG.map((c) => articleSection(c.script.section).gist.zh))]

test('the renderer’s texts of every case on every profile, in both languages', () => {
  const problems: string[] = []
  let checked = 0
  for (const lang of LANGS) {
    const i18n = createLabI18n(lang, { strict: true })
    const t = i18n.global.t as (key: string, params?: Record<string, unknown>) => string
    for (const c of CATALOG) {
      const script = scenarioScript(c.script.id)!
      for (const profile of PROFILE_IDS) {
        const result = simulate({ ...script, profile })
        const where = `${c.script.id} on ${profile} (${lang})`
        const texts: string[] = []
        // Every note at every point: the caption shows them one by one.
        const placed = runNotes(result.events, result.steps, script, profile)
        const inferred = inferNotes(result.events, result.steps, script, profile)
        for (const n of [...placed, ...inferred])
          texts.push(noteText(n.key, lang, { params: n.params, profile }, true))
        // The cards' notes, with the values of the step's own note events.
        for (const step of result.steps) {
          const noteParams: Record<string, Record<string, string | number>> = {}
          for (const e of result.events)
            if (e.type === 'note' && e.step === step.index && e.params) noteParams[e.key] = e.params
          const own = placed.filter((n) => n.step === step.index)
          const more = inferred.filter(
            (n) => n.step === step.index && !own.some((o) => o.key === n.key),
          )
          const { teaching, lab } = stepNotes(step, lang, {
            profile,
            noteParams,
            placed: [...own, ...more],
            strict: true,
          })
          texts.push(...teaching.map((n) => n.text), ...lab.map((n) => n.text))
          const errno = step.errno ? genericErrno(step.errno) : null
          if (errno && isErrnoName(errno)) {
            texts.push(ERRNO_MEANING[errno][lang])
            if (lang === 'zh') texts.push(ERRNO_GLOSS_ZH[errno])
          }
        }
        // The state graphs' transitions.
        for (const e of result.events)
          if (e.type === 'state') {
            const { kind, detail } = causeParts(e.cause, lang)
            texts.push(t(`labView.sm.cause.${kind}`, { detail: detail || e.cause || '' }))
          }
        // The timer notice, and what a student counts.
        texts.push(...timerFigures({ profile, timers: result.timers }).map((f) => f.text[lang]))
        const count = synCount(result)
        if (count)
          texts.push(
            t(`lab.synCount.${count.rule}`, {
              k: count.retransmissions,
              times: count.times.join(lang === 'zh' ? '、' : ', '),
              failed: count.failedS,
              n: count.retries,
              budget: count.budgetS,
            }),
          )
        // The article card: its heading and what it says of the run's OS (its gist is the
        // article's own sentence, quoted as written: see ARTICLE_QUOTES). Then the trace as
        // the shell shows it.
        const section = articleSection(c.script.section)
        texts.push(section.heading[lang])
        const onSystem = articleOnSystem(c.script.section, PROFILES[profile].errnoSystem, lang)
        if (onSystem) texts.push(onSystem)
        texts.push(...formatTraceLines(result, script).map((l) => traceLine(l, lang)))
        for (const text of texts) {
          checked++
          for (const p of placeholders(text)) problems.push(`${where}: ${p} in "${text}"`)
          if (lang === 'zh')
            for (const r of englishRuns(text)) problems.push(`${where}: "${r}" in "${text}"`)
        }
      }
    }
  }
  expect([...new Set(problems)]).toEqual([])
  expect(checked).toBeGreaterThan(5000)
})

test('the page, after every case on every profile, in Chinese (and English on Windows)', async ({
  page,
}) => {
  // A run in the app per case and profile, each read in one or two languages: about five
  // minutes on two cores.
  test.setTimeout(900_000)
  await page.addInitScript(() => localStorage.setItem('sal.language', 'zh'))
  const lab = new LabPage(page)
  await lab.goto('connect.ok')
  await lab.chooseBackend('sim')
  const problems: string[] = []
  for (const c of CATALOG) {
    await lab.pickCase(c.script.id)
    for (const profile of PROFILE_IDS) {
      await page
        .getByTestId('profile')
        .locator('label', { has: page.getByTestId(`profile-${profile}`) })
        .click()
      expect(await lab.run()).toBe('done')
      // Chinese on every profile; English (placeholders only) on the one whose words differ
      // most (Windows: WSAE names, its own note wordings). The pass above covers them all.
      for (const lang of profile === 'windows' ? (['zh', 'en'] as const) : (['zh'] as const)) {
        await lab.setLanguage(lang)
        const text = await page.evaluate(() => {
          // What the page marks as English (the OS's own error message, quoted beside its
          // Chinese gloss) is left out; everything else must be Chinese.
          const view = document.querySelector('[data-testid="lab-view"]') as HTMLElement
          const copy = view.cloneNode(true) as HTMLElement
          for (const quoted of Array.from(copy.querySelectorAll('[lang="en"]'))) quoted.remove()
          document.body.append(copy)
          const shown = copy.innerText
          copy.remove()
          const lines = Array.from(document.querySelectorAll('[data-testid="trace-lines"] li'))
          return `${shown}\n${lines.map((l) => l.textContent).join('\n')}`
        })
        const where = `${c.script.id} on ${profile} (${lang})`
        for (const p of placeholders(text)) problems.push(`${where}: ${p}`)
        const unquoted = ARTICLE_QUOTES.reduce((rest, q) => rest.split(q).join(' '), text)
        if (lang === 'zh') {
          // The case list names the cases in Chinese too; the page's own chrome is tested
          // message by message (renderer/i18n/zh-complete.test.ts).
          for (const r of englishRuns(unquoted)) problems.push(`${where}: "${r}"`)
        }
      }
      await lab.setLanguage('zh')
    }
  }
  expect([...new Set(problems)]).toEqual([])
})
