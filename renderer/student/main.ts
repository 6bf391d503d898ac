/**
 * The student page of a live class (docs/live-class.md): served by the class server at
 * `/<CODE>/`, it joins with a name, shows the questions one at a time, sends answers over the
 * answers channel and shows feedback when the teacher allows. The rejoin token is kept in
 * localStorage, so a reload or a dropped connection comes back as the same student with every
 * answer. No framework: many of these pages run at once on a room's machines.
 */
import { CLASS_PROTOCOL } from '../../shared/class/limits'
import { openChannel, type Channel } from './connection'
import { h } from './dom'
import { langSwitch, screenView, type Actions } from './screens'
import { applyMessage, initialState, screenOf, type PageState } from './state'
import { langOf, textsOf, type StudentLang } from './texts'
import './student.css'

const root = document.getElementById('student')!
const code = /^\/([A-Za-z0-9]{6})\//.exec(location.pathname)?.[1]?.toUpperCase()

interface Saved {
  name?: string
  token?: string
  lang?: StudentLang
}

const storageKey = `socklab-live:${code ?? ''}`
function load(): Saved {
  try {
    const data = JSON.parse(localStorage.getItem(storageKey) ?? '{}') as Saved
    return data && typeof data === 'object' ? data : {}
  } catch {
    return {}
  }
}
function save(data: Saved): void {
  try {
    localStorage.setItem(storageKey, JSON.stringify(data))
  } catch {
    // Private mode or a full storage: the class still works, a reload asks the name again.
  }
}

const saved = load()
const lang: StudentLang =
  saved.lang === 'zh' || saved.lang === 'en' ? saved.lang : langOf(navigator.language)
const state: PageState = initialState(code ?? '', lang)
if (saved.name) state.name = saved.name
let channel: Channel | undefined
let lastKey = ''

function persist(): void {
  save({
    lang: state.lang,
    ...(state.name ? { name: state.name } : {}),
    ...(state.token ? { token: state.token } : {}),
  })
}

function sendJoin(): void {
  if (!state.name) return
  channel?.send({
    v: CLASS_PROTOCOL,
    type: 'join',
    name: state.name,
    lang: state.lang,
    ...(state.token ? { token: state.token } : {}),
  })
}

const act: Actions = {
  setLang(next) {
    if (state.lang === next) return
    state.lang = next
    persist()
    if (state.phase === 'class') channel?.send({ v: CLASS_PROTOCOL, type: 'lang', lang: next })
    render(true)
  },
  join(name) {
    state.name = name.trim().replace(/\s+/g, ' ')
    state.problem = undefined
    if (!state.name) return
    state.phase = 'joining'
    persist()
    channel ??= openChannel(state.code, events)
    if (channel.open) sendJoin()
    render()
  },
  pick(questionId, response) {
    state.drafts.set(questionId, response)
    render()
  },
  submit(questionId) {
    const q = state.questions.find((x) => x.id === questionId)
    const response =
      state.drafts.get(questionId) ?? (q?.kind === 'order' ? q.options.map((o) => o.id) : undefined)
    if (!response) return
    state.pending.set(questionId, response)
    // Self-paced: the result stays on screen until "Next" (teacher-paced: until the teacher).
    if (state.pacing === 'self') state.reviewing = questionId
    channel?.send({ v: CLASS_PROTOCOL, type: 'answer', questionId, response })
    render()
  },
  next() {
    state.reviewing = undefined
    render()
  },
}

const events = {
  open() {
    state.connected = true
    // A reconnect (or a reload with a token): rejoin as the same student.
    if (state.name && (state.phase === 'joining' || state.phase === 'class')) sendJoin()
    render()
  },
  message(message: Parameters<typeof applyMessage>[1]) {
    applyMessage(state, message)
    if (message.type === 'welcome') persist()
    if (message.type === 'view')
      // Answers given while the connection was down are sent again; the server keeps the first.
      for (const [questionId, response] of state.pending)
        channel?.send({ v: CLASS_PROTOCOL, type: 'answer', questionId, response })
    if (message.type === 'refused') {
      state.problem = textsOf(state.lang).refused[message.reason]
      if (message.reason === 'name-taken' || message.reason === 'full') {
        // A token of an earlier class, or someone else's name: ask again.
        state.token = undefined
        state.phase = 'join'
        persist()
      }
    }
    render()
  },
  closed(why: 'ended' | 'replaced' | 'lost') {
    state.connected = false
    if (why === 'ended') state.phase = 'ended'
    else if (why === 'replaced') state.phase = 'replaced'
    render()
  },
}

function render(force = false): void {
  const t = textsOf(state.lang)
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en'
  document.title = state.title ? `${state.title[state.lang]} · ${t.title}` : t.title
  const screen = screenOf(state)
  // Re-render only when what is shown changed: typing a name or a focus survives a message.
  const key = JSON.stringify([
    screen,
    state.pacing,
    state.total,
    state.lang,
    state.connected,
    state.problem,
    screen.kind === 'question' ? state.drafts.get(screen.question.id) : null,
  ])
  if (!force && key === lastKey) return
  const focusedQuestion = lastKey.includes('"question"')
    ? root.querySelector('[data-question]')?.getAttribute('data-question')
    : null
  // The control that had the focus gets it back after the rebuild (a radio, a move button).
  const focus = (document.activeElement as HTMLElement | null)?.dataset?.focus
  lastKey = key
  const status =
    state.phase === 'class' && !state.connected
      ? h(
          'p',
          { class: 'notice warn', role: 'status', 'data-testid': 'live-reconnecting' },
          t.reconnecting,
        )
      : null
  const main = code
    ? screenView(screen, state, t, act)
    : h('p', { class: 'card notice', role: 'alert' }, t.noCode)
  const parts: (HTMLElement | null)[] = [
    h(
      'header',
      {},
      h('h1', {}, state.title ? state.title[state.lang] : t.title),
      langSwitch(state, t, act),
    ),
    state.phase === 'class' && state.name
      ? h('p', { class: 'muted', 'data-testid': 'live-me' }, t.joined(state.name))
      : null,
    status,
    state.problem
      ? h(
          'p',
          { class: 'notice error', role: 'alert', 'data-testid': 'live-problem' },
          state.problem,
        )
      : null,
    main,
  ]
  root.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null))
  // A new question takes the focus (screen readers read it); the same one keeps the student's place.
  if (screen.kind === 'question' && focusedQuestion !== screen.question.id && !screen.answer)
    root.querySelector<HTMLElement>('#q-title')?.focus()
  else if (focus) restoreFocus(focus)
}

function restoreFocus(key: string): void {
  const find = (k: string) =>
    [...root.querySelectorAll<HTMLElement>('[data-focus]')].find(
      (el) => el.dataset.focus === k && !(el as HTMLButtonElement).disabled,
    )
  // An item moved to an end: its other button is the one that still works.
  const other = key.endsWith(':up') ? key.replace(/:up$/, ':down') : key.replace(/:down$/, ':up')
  ;(find(key) ?? find(other))?.focus()
}

if (code && saved.token && saved.name) {
  // Back after a reload: rejoin at once with the kept token.
  state.token = saved.token
  state.phase = 'joining'
  channel = openChannel(code, events)
}
render(true)
