import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { useClassroomStore } from '../../stores/classroom'
import { useLiveClassStore } from '../../stores/live-class'
import { createFakeLab, flush, testGlobals } from '../../testing/fake-lab'
import LiveClassPanel from './LiveClassPanel.vue'

const PACK = `pack: 1
id: live1
title: { en: Live one, zh: 实时一 }
questions:
  - id: q1
    caseId: connect.refused
    prompt: { en: Who resets?, zh: 谁重置？ }
    options:
      - { id: a, text: { en: the server TCP, zh: 服务端 TCP } }
      - { id: b, text: { en: a router, zh: 路由器 } }
      - { id: c, text: { en: the client, zh: 客户端 } }
    answer: a
    explanation: { en: The host., zh: 主机。 }
  - id: q2
    prompt: { en: Two?, zh: 二？ }
    options:
      - { id: a, text: { en: A, zh: 甲 } }
      - { id: b, text: { en: B, zh: 乙 } }
    answer: b
    explanation: { en: B., zh: 乙。 }
`

afterEach(() => {
  useLiveClassStore().stopPolling()
  document.body.innerHTML = ''
})

describe('LiveClassPanel', () => {
  it('starts a class, shows the code, QR and answers, drives it, heats the wrong answers, ends it', async () => {
    const fake = createFakeLab({
      quiz: {
        packs: [
          { id: 'live1', title: { en: 'Live one', zh: '实时一' }, source: PACK, importedAt: 't' },
        ],
      },
    })
    const { global } = testGlobals(fake)
    const w = mount(LiveClassPanel, { global, attachTo: document.body })
    // The panel made the stores: the packs come in as the Classroom view loads them.
    await useClassroomStore().loadPacks()
    await flush()
    // The room's network is an opt-in, explained before the start.
    expect(w.text()).toContain('anyone on that network who has the code')
    await w.get('form').trigger('submit')
    await flush()
    expect(fake.live.started).toBe(1)
    expect(w.get('[data-testid="live-code"]').text()).toBe('ABC234')
    expect(w.get('[data-testid="live-url"]').text()).toBe('http://127.0.0.1:47200/ABC234')
    expect(w.find('[data-testid="live-qr"] path').attributes('d')).toMatch(/^M\d/)
    expect(w.get('[data-testid="live-position"]').text()).toContain('Not started')

    await w.get('[data-testid="live-next"]').trigger('click')
    await flush()
    expect(fake.live.commands).toEqual([{ kind: 'goto', index: 0 }])
    expect(w.get('[data-testid="live-position"]').text()).toBe('Question 1 of 2')

    // Three students answer (the session is the real one); the next status shows it.
    const session = fake.live.session!
    const at = '2026-03-02T09:05:00.000Z'
    for (const [name, pick] of [
      ['Ann', 'a'],
      ['Bob', 'b'],
      ['<b>Cy</b>', 'b'],
    ] as const) {
      const j = session.join({ name, lang: 'en', at })
      if (!j.ok) throw new Error(j.detail)
      session.answer(j.studentId, 'custom:live1:q1', [pick], at)
    }
    await useLiveClassStore().refresh()
    await flush()
    expect(w.get('[data-testid="live-students-count"]').text()).toBe(
      'Students (3 joined, 3 connected)',
    )
    // A name is text, never markup.
    expect(w.find('[data-testid="live-students"] b').exists()).toBe(false)
    expect(w.get('[data-student="<b>Cy</b>"]').text()).toContain('<b>Cy</b>')
    const row = w.get('[data-question="custom:live1:q1"]')
    expect([row.attributes('data-answered'), row.attributes('data-correct')]).toEqual(['3', '1'])
    const cell = w.get('[data-testid="live-heatmap"] [data-response="b"]')
    expect(cell.attributes('data-count')).toBe('2')
    expect(cell.attributes('href')).toBe('#/lab/connect.refused')

    await w.get('[data-testid="live-end"]').trigger('click')
    await flush()
    await w.get('[data-testid="live-end-confirm"] [data-testid="confirm-ok"]').trigger('click')
    await flush()
    expect(w.get('[data-testid="live-ended"]').text()).toContain('3 students, 3 answers')
    expect(w.find('[data-testid="live-code"]').exists()).toBe(false)
    w.unmount()
  })
})
