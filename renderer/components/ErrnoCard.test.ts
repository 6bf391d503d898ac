import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { articleSection } from '../../shared/article'
import type { StepResult } from '../../shared/lab-result'
import { RECORDED_ON } from '../lib/fixtures/index'
import { TraceIndex } from '../lib/trace-index'
import { REFUSED_STEP, SCRIPTS } from '../testing/fake-lab'
import { createLabI18n } from '../i18n/index'
import ErrnoCard from './ErrnoCard.vue'

function card(
  step: StepResult,
  language: 'en' | 'zh' = 'en',
  system: 'linux' | 'macos' | 'windows' | null = 'linux',
) {
  return mount(ErrnoCard, {
    props: {
      step,
      script: SCRIPTS['connect.refused'],
      section: articleSection('establish.2'),
      system,
    },
    global: { plugins: [createLabI18n(language)] },
  })
}

const rowText = (w: ReturnType<typeof card>, os: string) =>
  w
    .findAll(`tr[data-os="${os}"] td`)
    .map((cell) => cell.text())
    .join(' ')

describe('ErrnoCard', () => {
  it("shows what poll() and getsockopt(SO_ERROR) handed back, SO_ERROR's error with its card", () => {
    const poll = card({
      ...REFUSED_STEP,
      index: 1,
      op: 'poll',
      ret: 1,
      errno: undefined,
      errnoNumber: undefined,
      message: undefined,
      value: 'POLLOUT|POLLERR|POLLHUP',
    })
    expect(poll.get('[data-testid="errno-value"]').text()).toBe('revents = POLLOUT|POLLERR|POLLHUP')
    expect(poll.find('[data-testid="errno-os-table"]').exists()).toBe(false)
    const so = {
      ...REFUSED_STEP,
      index: 2,
      op: 'getsockopt' as const,
      ret: 0,
      errno: undefined,
      errnoNumber: undefined,
      message: undefined,
      value: 'ECONNREFUSED',
    }
    const w = card(so)
    expect(w.get('[data-testid="errno-value"]').text()).toBe('SO_ERROR = ECONNREFUSED')
    expect(rowText(w, 'windows')).toContain('WSAECONNREFUSED 10061')
    expect(card(so, 'zh').get('[data-testid="errno-value"]').text()).toContain(
      'SO_ERROR = ECONNREFUSED',
    )
    expect(
      card({ ...so, value: '0' })
        .find('[data-testid="errno-os-table"]')
        .exists(),
    ).toBe(false)
  })

  it('reads a refused connect: call, message, every OS, meaning and article section', () => {
    const w = card(REFUSED_STEP)
    expect(w.get('[data-testid="errno-call"]').text()).toBe('connect(7002) = -1 ECONNREFUSED')
    expect(w.get('[data-testid="errno-message"]').text()).toContain('Connection refused')
    expect(w.get('[data-testid="errno-message"]').text()).toContain('ECONNREFUSED 111')
    expect(rowText(w, 'linux')).toContain('ECONNREFUSED 111')
    expect(rowText(w, 'macos')).toContain('ECONNREFUSED 61')
    expect(rowText(w, 'windows')).toContain('WSAECONNREFUSED 10061')
    expect(w.text()).toContain('nothing listens on that port')
    expect(w.get('[data-testid="errno-section"]').text()).toContain('建立连接 §2')
    expect(w.get('[data-testid="errno-section"]').text()).toContain(
      'Connecting to a port nobody listens on',
    )
    expect(w.get('tr[data-os="linux"]').classes()).toContain('is-this-run')
    expect(w.get('tr[data-os="windows"]').classes()).not.toContain('is-this-run')
    expect(w.classes()).toContain('card--error')
  })

  it('marks the OS the run used', () => {
    const w = card({ ...REFUSED_STEP, errnoNumber: 10061 }, 'en', 'windows')
    expect(w.get('tr[data-os="windows"]').classes()).toContain('is-this-run')
    expect(w.get('tr[data-os="linux"]').classes()).not.toContain('is-this-run')
  })

  it('shows SIGPIPE and the OS that has no EPIPE', () => {
    const w = card({
      ...REFUSED_STEP,
      op: 'send',
      errno: 'EPIPE',
      errnoNumber: 32,
      message: 'Broken pipe',
      signal: 'SIGPIPE',
    })
    expect(w.get('[data-testid="errno-signal"]').text()).toContain('SIGPIPE')
    expect(rowText(w, 'windows')).toContain('no equivalent')
  })

  it('speaks Chinese', () => {
    const w = card(REFUSED_STEP, 'zh')
    expect(w.text()).toContain('该端口没有程序监听')
    expect(w.text()).toContain('客户端')
    expect(w.get('[data-testid="errno-section"]').text()).toContain(
      '客户端连接了服务端未监听的端口',
    )
    // The OS's message in Chinese, its own English words beside it marked as English.
    const message = w.get('[data-testid="errno-message"]')
    expect(message.text()).toMatch(/^连接被拒绝/)
    expect(message.get('[lang="en"]').text()).toBe('Connection refused')
    expect(w.get('.card__os-msg-row[data-os-message="linux"] td').text()).toBe('连接被拒绝')
    expect(w.get('.card__os-msg-row[data-os-message="windows"] td').attributes('title')).toMatch(
      /actively refused/,
    )
    expect(w.get('.card__meaning').text()).toMatch(/^原因：/)
  })

  it('shows the OS’s message as it is in English', () => {
    const w = card(REFUSED_STEP)
    expect(w.find('[data-testid="errno-message"] [lang="en"]').exists()).toBe(false)
    expect(w.get('.card__os-msg-row[data-os-message="linux"] td').text()).toBe('Connection refused')
    expect(w.get('.card__meaning').text()).toMatch(/^Why:/)
  })

  it('shows a success without an errno table', () => {
    const w = card({
      ...REFUSED_STEP,
      ret: 0,
      errno: undefined,
      errnoNumber: undefined,
      message: undefined,
    })
    expect(w.get('[data-testid="errno-call"]').text()).toBe('connect(7002) = 0')
    expect(w.find('[data-testid="errno-os-table"]').exists()).toBe(false)
    expect(w.classes()).toContain('card--ok')
  })

  it('says when a call was still blocked or was skipped', () => {
    const blocked = card({
      ...REFUSED_STEP,
      outcome: 'blocked',
      endMs: 5000,
      ret: undefined,
      errno: undefined,
    })
    expect(blocked.text()).toContain('still blocked when the run ended (5.00 s)')
    expect(blocked.attributes('data-outcome')).toBe('blocked')
    const skipped = card({ ...REFUSED_STEP, outcome: 'skipped', ret: undefined, errno: undefined })
    expect(skipped.text()).toContain('skipped')
  })

  it('says how long a call waited', () => {
    const w = card({
      ...REFUSED_STEP,
      op: 'connect',
      startMs: 0,
      endMs: 3100,
      errno: 'ETIMEDOUT',
      errnoNumber: 110,
    })
    expect(w.text()).toContain('returned after 3.10 s')
  })
})

describe('ErrnoCard notes on the run’s profile', () => {
  const run = RECORDED_ON.windows['peer.host-down']
  const params = new TraceIndex(run.events)

  function windowsCard(index: number, language: 'en' | 'zh') {
    const step = run.steps.find((s) => s.index === index)
    if (!step) throw new Error(`no step ${index}`)
    return mount(ErrnoCard, {
      props: {
        step,
        script: null,
        section: articleSection('transfer.4.3'),
        system: 'windows',
        profile: run.profile,
        noteParams: params.stepNoteParams(index),
      },
      global: { plugins: [createLabI18n(language)] },
    })
  }

  it('renders a Windows run’s notes with their values and its WSA errno names', () => {
    // recv() after the data give-up: "After 4.5 s and 3 retransmission(s) ..."
    const giveUp = windowsCard(6, 'en').get('[data-note="data-give-up"]').text()
    expect(giveUp).toContain('After 4.5 s and 3 retransmission(s)')
    expect(giveUp).toContain('WSAETIMEDOUT')
    expect(giveUp).not.toMatch(/\{\w+\}/)
    expect(giveUp).not.toMatch(/(?<!WSA)ETIMEDOUT/)
    const zh = windowsCard(6, 'zh').get('[data-note="data-give-up"]').text()
    expect(zh).toContain('4.5 秒')
    expect(zh).toContain('WSAETIMEDOUT')
    expect(zh).not.toMatch(/\{\w+\}/)
  })

  it('leaves no placeholder in any note of the run, in either language', () => {
    for (const language of ['en', 'zh'] as const)
      for (const step of run.steps) {
        const w = windowsCard(step.index, language)
        for (const li of w.findAll('[data-note]')) {
          expect(li.text(), `${step.index} ${li.attributes('data-note')}`).not.toMatch(/\{\w+\}/)
          expect(li.text()).not.toMatch(/(?<!WSA)E(TIMEDOUT|CONNRESET|CONNREFUSED)\b/)
        }
      }
  })
})
