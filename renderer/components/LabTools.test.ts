/** Component tests of the Lab view's tools: script editor, exports, compare, shortcuts. */
import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { LabScript } from '../../shared/lab-script'
import { RECORDED } from '../lib/fixtures/index'
import { viewPrefs } from '../lib/view-prefs'
import { useLabStore } from '../stores/lab'
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
    const lab = useLabStore()
    await lab.init()
    await lab.select('connect.refused')
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
    expect(lab.runInfo?.source).toBe('script')
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
    const lab = useLabStore()
    await lab.init()
    expect(w.get('[data-testid="export-json"]').attributes('disabled')).toBeDefined()
    await lab.select('peer.crash-fin')
    await lab.run()
    fake.push('run-1', { kind: 'done', result: RECORDED['peer.crash-fin']! })
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

  it('opens a saved trace, and names what is wrong with a bad one', async () => {
    const { global } = testGlobals(createFakeLab())
    const w = mount(ExportMenu, {
      global,
      props: { diagrams: async () => null },
      attachTo: document.body,
    })
    const lab = useLabStore()
    await lab.init()
    const input = w.get('[data-testid="trace-file"]').element as HTMLInputElement
    const pick = async (name: string, text: string) => {
      Object.defineProperty(input, 'files', { value: [new File([text], name)], configurable: true })
      await w.get('[data-testid="trace-file"]').trigger('change')
      await wait(10)
    }
    await pick('bad.json', '{"labScript": 1, "steps": []}')
    expect(w.get('[data-testid="export-message"]').text()).toMatch(/not a saved trace: backend/)
    await pick(
      'crash.json',
      JSON.stringify({ socklabTrace: 1, result: RECORDED['peer.crash-fin'] }),
    )
    expect(lab.imported).toBe(true)
    expect(lab.status).toBe('done')
    expect(lab.steps).toHaveLength(RECORDED['peer.crash-fin']!.steps.length)
    expect(lab.traceLines[0]).toBe('lab> open crash.json')
  })
})

describe('ComparePanel', () => {
  it('runs the case once per column and marks the calls that differ', async () => {
    const fake = createFakeLab()
    const { global } = testGlobals(fake)
    const w = mount(ComparePanel, { global, attachTo: document.body })
    const lab = useLabStore()
    await lab.init()
    await lab.select('peer.crash-fin')
    const base = RECORDED['peer.crash-fin']!
    // The fake answers each run with the recorded result; on "windows" the send fails differently.
    fake.startRun = async (request) => {
      fake.requests.push(request)
      const id = `cmp-${fake.requests.length}`
      const result =
        request.profile === 'windows'
          ? {
              ...base,
              steps: base.steps.map((s) =>
                s.errno === 'EPIPE' ? { ...s, errno: 'ECONNRESET', errnoNumber: 10054 } : s,
              ),
            }
          : base
      setTimeout(() => fake.push(id, { kind: 'done', result }), 0)
      return { ok: true, value: { runId: id } }
    }
    // The script has the recorded run's steps, so every call has a row.
    lab.script = {
      ...lab.script!,
      steps: base.steps.map((s) => ({ actor: s.actor, op: s.op }) as never),
    }
    await w.get('[data-testid="compare-run"]').trigger('click')
    await wait(50)
    expect(fake.requests.map((r) => r.profile)).toEqual([
      'linux',
      'linux-legacy',
      'windows',
      'macos',
    ])
    const diff = w.findAll('tr.is-diff')
    expect(diff).toHaveLength(1)
    expect(diff[0]!.get('td[data-col="sim:windows"]').classes()).toContain('is-odd')
    expect(diff[0]!.get('td[data-col="sim:linux"]').text()).toContain('EPIPE 32')
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
