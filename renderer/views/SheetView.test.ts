import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RECORDED } from '../lib/fixtures/index'
import { CAPABILITIES, createFakeLab, flush, testGlobals } from '../testing/fake-lab'
import SheetView from './SheetView.vue'

const CRASH = RECORDED['peer.crash-fin']!

beforeEach(() => {
  history.replaceState(null, '', '#/sheet/peer.crash-fin?profile=linux')
})
afterEach(() => {
  document.body.innerHTML = ''
  vi.restoreAllMocks()
})

async function sheet(fake = createFakeLab(), language: 'en' | 'zh' = 'en') {
  fake.finishWith = () => ({ kind: 'done', result: CRASH })
  const { global } = testGlobals(fake, language)
  const w = mount(SheetView, { global, attachTo: document.body })
  await flush(10)
  return { w, fake }
}

describe('SheetView', () => {
  it('page 1: the steps, a box pair for each call; page 2: the run’s answers and notes', async () => {
    const { w, fake } = await sheet()
    expect(fake.requests).toEqual([
      expect.objectContaining({ scenarioId: 'peer.crash-fin', backend: 'sim', profile: 'linux' }),
    ])
    const page1 = w.get('[data-testid="sheet-page-1"]')
    expect(page1.text()).toContain('crash --mode fin')
    // listen, connect, accept, recv, send, send: six calls; the crash and the sleep are not.
    expect(page1.findAll('[data-testid="sheet-box-ret"]')).toHaveLength(6)
    expect(page1.findAll('[data-testid="sheet-box-errno"]')).toHaveLength(6)
    // Nothing of the answers is on the student's page.
    expect(page1.text()).not.toContain('EPIPE')
    const rows = w.findAll('[data-testid="sheet-answers"] tbody tr')
    expect(rows.map((r) => r.attributes('data-step'))).toEqual(['0', '1', '2', '4', '5', '7'])
    const last = rows.at(-1)!
    expect(last.get('[data-testid="sheet-ret"]').text()).toBe('-1')
    expect(last.get('[data-testid="sheet-errno"]').text()).toBe('EPIPE (32) +SIGPIPE')
    expect(rows[3]!.get('[data-testid="sheet-ret"]').text()).toBe('0')
    expect(w.get('[data-testid="sheet-notes"]').text()).toMatch(/SIGPIPE/)
    expect(w.get('[data-testid="sheet-article"]').text()).toContain('4.1')
    // A browser prints the page itself: no PDF button there.
    expect(w.find('[data-testid="sheet-pdf"]').exists()).toBe(false)
  })

  it('answers follow the profile picked, and the desktop app saves a PDF', async () => {
    const fake = createFakeLab({
      capabilities: { ok: true, value: { ...CAPABILITIES, shell: 'electron' } },
    })
    const { w } = await sheet(fake, 'zh')
    expect(w.get('[data-testid="sheet-page-1"]').text()).toContain('姓名')
    await w.get('[data-testid="sheet-profile"]').setValue('windows')
    await flush(10)
    expect(fake.requests.at(-1)).toMatchObject({ profile: 'windows', backend: 'sim' })
    expect(location.hash).toBe('#/sheet/peer.crash-fin?profile=windows')
    await w.get('[data-testid="sheet-pdf"]').trigger('click')
    await flush()
    expect(fake.pdfs).toEqual(['peer.crash-fin-windows-lab-sheet-zh.pdf'])
    expect(w.text()).toContain('已保存 /tmp/peer.crash-fin-windows-lab-sheet-zh.pdf')
  })

  it('names a case the catalog does not have', async () => {
    history.replaceState(null, '', '#/sheet/no.such-case')
    const { w, fake } = await sheet()
    expect(w.get('[data-testid="sheet-unknown"]').text()).toContain('no.such-case')
    expect(fake.requests).toEqual([])
  })
})
