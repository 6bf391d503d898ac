/** Component tests of the Lab view's tools: script editor, exports, compare, shortcuts. */
import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { compareResults, formatDifferences, TIMER_MS } from '../../shared/agreement'
import type { LabScript } from '../../shared/lab-script'
import type { LabResult } from '../../shared/lab-result'
import { RECORDED } from '../lib/fixtures/index'
import { viewPrefs } from '../lib/view-prefs'
import { useCatalogStore } from '../stores/catalog'
import { useRunStore } from '../stores/run'
import { createFakeLab, flush, testGlobals } from '../testing/fake-lab'
import ComparePanel from './ComparePanel.vue'
import ExportMenu from './ExportMenu.vue'
import ScriptEditor from './ScriptEditor.vue'
import ShortcutsDialog from './ShortcutsDialog.vue'

beforeEach(() => localStorage.clear())
afterEach(() => {
  document.body.innerHTML = ''
  vi.restoreAllMocks()
})

async function wait(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms))
  await flush()
}

describe('ScriptEditor', () => {
  it('checks as you type, lists each problem with its line, and runs a valid script', async () => {
    const fake = createFakeLab()
    const { global } = testGlobals(fake)
    const w = mount(ScriptEditor, { global, attachTo: document.body })
    const catalog = useCatalogStore()
    const run = useRunStore()
    await catalog.init()
    await catalog.select('connect.refused')
    expect(w.get('[data-testid="editor-status"]').attributes('data-ok')).toBe('true')
    await w
      .get('[data-testid="editor-text"]')
      .setValue('labScript: 1\nsteps:\n  - { actor: client, op: connect, port: 0 }\n')
    await wait(150)
    const problems = w.findAll('[data-testid="editor-problem"]')
    expect(problems).toHaveLength(1)
    expect(problems[0]!.attributes('data-line')).toBe('3')
    expect(problems[0]!.text()).toContain('step 0, port')
    expect(w.get('.editor__gutter .is-bad').text()).toBe('3')
    expect(w.get('[data-testid="editor-run"]').attributes('disabled')).toBeDefined()
    await w.get('[data-testid="editor-from-case"]').trigger('click')
    expect((w.get('[data-testid="editor-text"]').element as HTMLTextAreaElement).value).toContain(
      'id: connect.refused',
    )
    await w.get('[data-testid="format-json"]').trigger('change')
    expect((w.get('[data-testid="editor-text"]').element as HTMLTextAreaElement).value).toMatch(
      /^\{\n {2}"labScript": 1/,
    )
    await w.get('[data-testid="editor-run"]').trigger('click')
    await flush()
    const sent = fake.requests.at(-1)!
    expect((sent.script as LabScript).steps[0]).toMatchObject({ op: 'connect', port: 7002 })
    expect(run.runInfo?.source).toBe('script')
  })

  it('keeps scripts in this browser and saves files through a download', async () => {
    const { global } = testGlobals(createFakeLab())
    const w = mount(ScriptEditor, { global, attachTo: document.body })
    await w.get('[data-testid="editor-name"]').setValue('class-1')
    await w.get('[data-testid="editor-keep"]').trigger('click')
    expect(w.get('[data-testid="editor-kept"]').text()).toContain('class-1')
    const create = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:x')
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined)
    await w.get('[data-testid="editor-save"]').trigger('click')
    expect(create).toHaveBeenCalledOnce()
    expect(click).toHaveBeenCalledOnce()
  })
})

describe('ExportMenu', () => {
  it('downloads the trace and the diagrams, and says when there is nothing yet', async () => {
    const fake = createFakeLab()
    const { global } = testGlobals(fake)
    const diagrams = vi.fn(
      async () => '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>',
    )
    const w = mount(ExportMenu, { global, props: { diagrams }, attachTo: document.body })
    const catalog = useCatalogStore()
    const run = useRunStore()
    await catalog.init()
    expect(w.get('[data-testid="export-json"]').attributes('disabled')).toBeDefined()
    await catalog.select('peer.crash-fin')
    await run.run()
    fake.push(fake.runId(1), { kind: 'done', result: RECORDED['peer.crash-fin']! })
    await flush()
    const blobs: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob)
      return 'blob:x'
    })
    const names: string[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      names.push(this.download)
    })
    await w.get('[data-testid="export-json"]').trigger('click')
    await w.get('[data-testid="export-svg"]').trigger('click')
    await flush()
    expect(names).toEqual(['peer.crash-fin-sim-linux.trace.json', 'peer.crash-fin-sim-linux.svg'])
    const doc = JSON.parse(await blobs[0]!.text())
    expect(doc.socklabTrace).toBe(1)
    expect(doc.result.steps).toHaveLength(RECORDED['peer.crash-fin']!.steps.length)
    expect(diagrams).toHaveBeenCalledOnce()
  })

  it('downloads the run as a pcapng capture with one frame per segment and ICMP error', async () => {
    const fake = createFakeLab()
    const { global } = testGlobals(fake)
    const w = mount(ExportMenu, {
      global,
      props: { diagrams: async () => null },
      attachTo: document.body,
    })
    const catalog = useCatalogStore()
    const run = useRunStore()
    await catalog.init()
    expect(w.get('[data-testid="export-pcap"]').attributes('disabled')).toBeDefined()
    await catalog.select('peer.crash-fin')
    await run.run()
    const result = RECORDED['peer.crash-fin']!
    fake.push(fake.runId(1), { kind: 'done', result })
    await flush()
    const blobs: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob)
      return 'blob:x'
    })
    const names: string[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      names.push(this.download)
    })
    await w.get('[data-testid="export-pcap"]').trigger('click')
    await flush()
    expect(names).toEqual(['peer.crash-fin-sim-linux.pcapng'])
    const bytes = new Uint8Array(await blobs[0]!.arrayBuffer())
    const view = new DataView(bytes.buffer)
    const types: number[] = []
    for (let at = 0; at < bytes.length; at += view.getUint32(at + 4, true))
      types.push(view.getUint32(at, true))
    const shown = result.events.filter((e) => e.type === 'segment' || e.type === 'icmp')
    expect(shown.length).toBeGreaterThan(0)
    expect(types).toEqual([0x0a0d0d0a, 1, ...shown.map(() => 6)])
  })

  it('opens a saved trace, and names what is wrong with a bad one', async () => {
    const { global } = testGlobals(createFakeLab())
    const w = mount(ExportMenu, {
      global,
      props: { diagrams: async () => null },
      attachTo: document.body,
    })
    const catalog = useCatalogStore()
    const run = useRunStore()
    await catalog.init()
    const input = w.get('[data-testid="trace-file"]').element as HTMLInputElement
    const pick = async (name: string, text: string) => {
      Object.defineProperty(input, 'files', { value: [new File([text], name)], configurable: true })
      await w.get('[data-testid="trace-file"]').trigger('change')
      await wait(10)
    }
    await pick('bad.json', '{"labScript": 1, "steps": []}')
    // Another kind of file is named for what it is, with where it belongs.
    expect(w.get('[data-testid="export-message"]').text()).toBe(
      'bad.json is a lab script, not a saved trace. Open it in the Lab’s script editor.',
    )
    await pick('bad.json', '{"socklabTrace": 1, "result": {}}')
    expect(w.get('[data-testid="export-message"]').text()).toMatch(/not a saved trace: /)
    await pick(
      'crash.json',
      JSON.stringify({ socklabTrace: 1, result: RECORDED['peer.crash-fin'] }),
    )
    expect(run.imported).toBe(true)
    expect(run.status).toBe('done')
    expect(run.steps).toHaveLength(RECORDED['peer.crash-fin']!.steps.length)
    expect(run.traceLines[0]).toBe('lab> open crash.json')
  })
})

describe('ComparePanel', () => {
  /** Mounts the panel on a case whose script has the recorded run's calls, one row each. */
  async function comparePanel(caseId: string, base: LabResult) {
    const fake = createFakeLab()
    const { global } = testGlobals(fake)
    const w = mount(ComparePanel, { global, attachTo: document.body })
    const catalog = useCatalogStore()
    await catalog.init()
    await catalog.select(caseId)
    catalog.script = {
      ...catalog.script!,
      steps: base.steps.map((s) => ({ actor: s.actor, op: s.op }) as never),
    }
    return { fake, w }
  }

  it('runs the case once per column and marks the calls that differ', async () => {
    const base = RECORDED['peer.crash-fin']!
    const { fake, w } = await comparePanel('peer.crash-fin', base)
    // On "windows" the send fails differently.
    fake.finishWith = (request) => ({
      kind: 'done',
      result:
        request.profile === 'windows'
          ? {
              ...base,
              steps: base.steps.map((s) =>
                s.errno === 'EPIPE' ? { ...s, errno: 'ECONNRESET', errnoNumber: 10054 } : s,
              ),
            }
          : base,
    })
    await w.get('[data-testid="compare-run"]').trigger('click')
    await wait(50)
    expect(fake.requests.map((r) => r.profile)).toEqual([
      'linux',
      'linux-legacy',
      'windows',
      'macos',
    ])
    // Every run was named by the panel, each differently.
    expect(new Set(fake.requests.map((r) => r.runId)).size).toBe(4)
    const diff = w.findAll('tr.is-diff')
    expect(diff).toHaveLength(1)
    expect(diff[0]!.get('td[data-col="sim:windows"]').classes()).toContain('is-odd')
    expect(diff[0]!.get('td[data-col="sim:linux"]').text()).toContain('EPIPE 32')
    // No kernel column ran: no verdict.
    expect(w.find('[data-testid="compare-verdict"]').exists()).toBe(false)
  })

  it('stops a comparison: the column running is cancelled, the rest are not run', async () => {
    const base = RECORDED['peer.crash-fin']!
    const { fake, w } = await comparePanel('peer.crash-fin', base)
    // Like the service: a cancelled run's last word says so.
    fake.cancelRun = async (runId) => {
      fake.cancelled.push(runId)
      fake.push(runId, { kind: 'failed', error: { code: 'cancelled', message: 'Cancelled.' } })
      return { ok: true, value: null }
    }
    await w.get('[data-testid="compare-run"]').trigger('click')
    await flush()
    await w.get('[data-testid="compare-cancel"]').trigger('click')
    await flush()
    expect(fake.cancelled).toEqual([fake.runId(1)])
    expect(fake.started).toHaveLength(1)
    expect(w.find('[data-testid="compare-cancel"]').exists()).toBe(false)
    expect(w.get('td[data-col="sim:linux"]').text()).toBe('—')
  })

  /**
   * The panel's verdict is `socklab check`'s: for a kernel run and a simulator run that differ
   * only where the per-row classes cannot see it (when a timer ended a call, the final
   * states), both must report the same differences.
   */
  async function verdictOf(sim: LabResult, kernel: LabResult, language: 'en' | 'zh' = 'en') {
    const fake = createFakeLab()
    const { global } = testGlobals(fake, language)
    const w = mount(ComparePanel, { global, attachTo: document.body })
    const catalog = useCatalogStore()
    await catalog.init()
    await catalog.select('connect.refused')
    catalog.script = {
      ...catalog.script!,
      steps: sim.steps.map((s) => ({ actor: s.actor, op: s.op }) as never),
    }
    fake.finishWith = (request) => ({
      kind: 'done',
      result: request.backend === 'kernel' ? kernel : sim,
    })
    for (const p of ['linux-legacy', 'windows', 'macos'])
      await w.get(`[data-testid="compare-col-sim:${p}"]`).setValue(false)
    await w.get('[data-testid="compare-col-kernel"]').setValue(true)
    await w.get('[data-testid="compare-run"]').trigger('click')
    await wait(50)
    expect(fake.requests.map((r) => r.backend)).toEqual(['sim', 'kernel'])
    const verdict = w.get('[data-testid="compare-verdict"]')
    return {
      agree: verdict.attributes('data-agree'),
      text: verdict.text(),
      lines: w.findAll('[data-testid="compare-difference"]').map((li) => li.text()),
      rowsMarked: w.findAll('tr.is-diff').length,
    }
  }

  const timeout = RECORDED['connect.timeout']!
  const timed = timeout.steps.find((s) => s.endMs - s.startMs >= TIMER_MS)!
  const asKernel = (r: LabResult): LabResult => ({ ...r, backend: 'kernel', profile: 'linux' })

  it('gives socklab check’s verdict when only a timer-ended call’s timing differs', async () => {
    const late = timed.endMs * 0.5 + 1000
    const kernel = asKernel({
      ...timeout,
      steps: timeout.steps.map((s) => (s === timed ? { ...s, endMs: s.endMs + late } : s)),
    })
    const check = formatDifferences(compareResults(timeout, kernel))
    expect(check).toEqual([
      expect.stringMatching(new RegExp(`^step ${timed.index}: endMs differs`)),
    ])
    const panel = await verdictOf(timeout, kernel)
    expect(panel.agree).toBe('false')
    expect(panel.lines).toEqual(check)
    // Per row, the call's class is the same on both: the row is not marked, the verdict is.
    expect(panel.rowsMarked).toBe(0)
  })

  it('gives socklab check’s verdict when only a final state differs, in both languages', async () => {
    const kernel = asKernel({ ...timeout, final: { ...timeout.final, client: 'SYN_SENT' } })
    const check = formatDifferences(compareResults(timeout, kernel))
    expect(check).toHaveLength(1)
    expect(check[0]).toMatch(/^final state of the client/)
    const en = await verdictOf(timeout, kernel)
    expect(en.agree).toBe('false')
    expect(en.lines).toEqual(check)
    expect(en.text).toContain('Simulator (linux) and kernel differ')
    document.body.innerHTML = ''
    const zh = await verdictOf(timeout, kernel, 'zh')
    expect(zh.lines).toEqual(check)
    expect(zh.text).toContain('模拟器（linux）与内核不一致')
  })

  it('says the simulator and the kernel agree when the rule finds nothing', async () => {
    expect(compareResults(timeout, asKernel(timeout))).toEqual([])
    const panel = await verdictOf(timeout, asKernel(timeout))
    expect(panel.agree).toBe('true')
    expect(panel.text).toBe('Simulator (linux) and kernel agree')
    expect(panel.lines).toEqual([])
  })
})

describe('ShortcutsDialog', () => {
  it('lists the keys in the UI language and closes', async () => {
    const { global } = testGlobals(createFakeLab(), 'zh')
    const w = mount(ShortcutsDialog, { global, attachTo: document.body })
    viewPrefs.shortcutsOpen = true
    await flush()
    expect(w.get('dialog').attributes('open')).toBeDefined()
    expect(w.text()).toContain('播放或暂停')
    expect(w.findAll('kbd').map((k) => k.text())).toContain('Space')
    viewPrefs.shortcutsOpen = false
    await flush()
    expect(w.get('dialog').attributes('open')).toBeUndefined()
  })
})
