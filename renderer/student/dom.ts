/**
 * A tiny element builder for the student page: text always goes in as text (`textContent`),
 * never as HTML, so a name or a question can never become markup.
 */

/** Attributes and listeners of an element; `false`/`undefined` leave an attribute out. */
export type Props = Record<string, string | number | boolean | undefined | EventListener>

/** What an element may hold: elements, text, nothing. */
export type Child = Node | string | null | undefined | false

/** Builds an element. `on<event>` props are listeners; the rest are attributes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue
    if (typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value)
    else el.setAttribute(key, value === true ? '' : String(value))
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue
    el.append(typeof child === 'string' ? document.createTextNode(child) : child)
  }
  return el
}
