/**
 * The student page's screens, built with {@link h} (text as text, never HTML): joining, a
 * question (choice or order, with a predict question's steps), the feedback, the waits, the end.
 */
import type { StudentAnswer, StudentQuestion } from '../../shared/class/protocol'
import { MAX_NAME } from '../../shared/class/limits'
import { h } from './dom'
import type { PageState, Screen } from './state'
import type { StudentTexts } from './texts'

/** What the screens ask the page to do. */
export interface Actions {
  setLang(lang: 'zh' | 'en'): void
  join(name: string): void
  pick(questionId: string, response: string[]): void
  submit(questionId: string): void
  next(): void
}

/** The language switch (always shown). */
export function langSwitch(state: PageState, t: StudentTexts, act: Actions): HTMLElement {
  const button = (lang: 'zh' | 'en', label: string) =>
    h(
      'button',
      {
        type: 'button',
        lang,
        'aria-pressed': String(state.lang === lang),
        'data-testid': `live-lang-${lang}`,
        'data-focus': `lang-${lang}`,
        onclick: () => act.setLang(lang),
      },
      label,
    )
  return h(
    'div',
    { class: 'lang', role: 'group', 'aria-label': t.language },
    button('en', 'English'),
    button('zh', '中文'),
  )
}

function joinForm(state: PageState, t: StudentTexts, act: Actions, busy: boolean): HTMLElement {
  const input = h('input', {
    id: 'live-name',
    name: 'name',
    autocomplete: 'name',
    maxlength: MAX_NAME,
    required: true,
    'aria-describedby': 'live-name-hint',
    'data-testid': 'live-name',
    value: state.name,
    disabled: busy,
  })
  return h(
    'form',
    {
      class: 'card',
      onsubmit: (event: Event) => {
        event.preventDefault()
        act.join(input.value)
      },
    },
    h('label', { for: 'live-name' }, t.name),
    input,
    h('p', { id: 'live-name-hint', class: 'muted' }, t.nameHint),
    h(
      'button',
      { type: 'submit', class: 'primary', disabled: busy, 'data-testid': 'live-join' },
      busy ? t.joining : t.join,
    ),
  )
}

function optionText(q: StudentQuestion, ids: readonly string[], lang: 'zh' | 'en'): string {
  return ids.map((id) => q.options.find((o) => o.id === id)?.text[lang] ?? id).join(' → ')
}

function feedback(
  q: StudentQuestion,
  answer: StudentAnswer,
  state: PageState,
  t: StudentTexts,
): HTMLElement {
  const f = answer.feedback
  const lang = state.lang
  const yours = h('p', {}, `${t.yours} `, h('strong', {}, optionText(q, answer.response, lang)))
  if (!f)
    return h(
      'div',
      {
        class: 'feedback',
        role: 'status',
        'data-testid': 'live-feedback',
        'data-correct': 'unknown',
      },
      h('p', {}, t.sent),
      yours,
      h('p', { class: 'muted' }, t.waitReveal),
    )
  return h(
    'div',
    {
      class: `feedback ${f.correct ? 'right' : 'wrong'}`,
      role: 'status',
      'data-testid': 'live-feedback',
      'data-correct': String(f.correct),
    },
    h('p', {}, h('strong', {}, f.correct ? t.right : t.wrong)),
    yours,
    f.correct
      ? null
      : h('p', {}, `${t.expected} `, h('strong', {}, optionText(q, f.expected, lang))),
    f.run ? h('p', { class: 'mono' }, `${t.ran} ${f.run}`) : null,
    h('p', {}, f.explanation[lang]),
  )
}

function choices(q: StudentQuestion, state: PageState, t: StudentTexts, act: Actions): HTMLElement {
  const picked = state.drafts.get(q.id)?.[0]
  return h(
    'fieldset',
    { class: 'options' },
    h('legend', {}, t.choose),
    q.options.map((o, i) =>
      h(
        'label',
        { class: 'option' },
        h('input', {
          type: 'radio',
          name: `q-${q.index}`,
          value: o.id,
          id: `q-${q.index}-${i}`,
          checked: picked === o.id,
          'data-option': o.id,
          'data-focus': `opt:${o.id}`,
          onchange: () => act.pick(q.id, [o.id]),
        }),
        h('span', {}, o.text[state.lang]),
      ),
    ),
  )
}

function ordering(
  q: StudentQuestion,
  state: PageState,
  t: StudentTexts,
  act: Actions,
): HTMLElement {
  const order = state.drafts.get(q.id) ?? q.options.map((o) => o.id)
  const move = (from: number, to: number): void => {
    const next = [...order]
    const [item] = next.splice(from, 1)
    next.splice(to, 0, item!)
    act.pick(q.id, next)
  }
  return h(
    'fieldset',
    { class: 'options' },
    h('legend', {}, t.order),
    h(
      'ol',
      { class: 'order' },
      order.map((id, i) => {
        const text = q.options.find((o) => o.id === id)?.text[state.lang] ?? id
        return h(
          'li',
          { 'data-item': id },
          h('span', { class: 'order__n', 'aria-hidden': 'true' }, `${i + 1}.`),
          h('span', {}, text),
          h(
            'button',
            {
              type: 'button',
              'aria-label': t.up(text),
              'data-move': 'up',
              'data-focus': `${id}:up`,
              disabled: i === 0,
              onclick: () => move(i, i - 1),
            },
            '↑',
          ),
          h(
            'button',
            {
              type: 'button',
              'aria-label': t.down(text),
              'data-move': 'down',
              'data-focus': `${id}:down`,
              disabled: i === order.length - 1,
              onclick: () => move(i, i + 1),
            },
            '↓',
          ),
        )
      }),
    ),
  )
}

function question(
  screen: Extract<Screen, { kind: 'question' }>,
  state: PageState,
  t: StudentTexts,
  act: Actions,
): HTMLElement {
  const q = screen.question
  const lang = state.lang
  const steps = q.steps
    ? h(
        'div',
        { class: 'steps' },
        h('p', {}, t.steps),
        h(
          'ol',
          { class: 'mono', start: 0 },
          q.steps.map((s) =>
            h(
              'li',
              { class: s.predicted ? 'predicted' : undefined },
              `${s.actor} ${s.call}${s.at !== undefined ? `  @${s.at} ms` : ''}`,
              s.predicted ? h('strong', {}, `  ← ${t.predict}`) : null,
            ),
          ),
        ),
      )
    : null
  const answered = screen.answer
  const body = answered
    ? [
        feedback(q, answered, state, t),
        state.pacing === 'self'
          ? h(
              'button',
              {
                type: 'button',
                class: 'primary',
                'data-testid': 'live-next',
                onclick: () => act.next(),
              },
              t.next,
            )
          : h('p', { class: 'muted', 'data-testid': 'live-waiting' }, t.waitNext),
      ]
    : [
        q.kind === 'order' ? ordering(q, state, t, act) : choices(q, state, t, act),
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            'data-testid': 'live-submit',
            disabled: screen.pending || (q.kind === 'choice' && !state.drafts.has(q.id)),
            onclick: () => act.submit(q.id),
          },
          screen.pending ? t.sending : t.submit,
        ),
      ]
  return h(
    'section',
    {
      class: 'card',
      'data-testid': 'live-question',
      'data-question': q.id,
      'aria-labelledby': 'q-title',
    },
    h('p', { class: 'muted' }, t.question(q.index + 1, state.total)),
    h('h2', { id: 'q-title', tabindex: -1 }, q.prompt[lang]),
    steps,
    ...body,
  )
}

/** The main part of the page for a screen. */
export function screenView(
  screen: Screen,
  state: PageState,
  t: StudentTexts,
  act: Actions,
): HTMLElement {
  switch (screen.kind) {
    case 'join':
      return joinForm(state, t, act, false)
    case 'joining':
      return joinForm(state, t, act, true)
    case 'ended':
      return h('p', { class: 'card notice', 'data-testid': 'live-ended' }, t.ended)
    case 'replaced':
      return h('p', { class: 'card notice', 'data-testid': 'live-replaced' }, t.replaced)
    case 'wait':
      return h(
        'p',
        { class: 'card notice', 'data-testid': 'live-waiting', 'data-why': screen.why },
        screen.why === 'start' ? t.waitStart : screen.why === 'next' ? t.waitNext : t.allDone,
      )
    case 'question':
      return question(screen, state, t, act)
  }
}
