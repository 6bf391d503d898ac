/**
 * The UI's message compiler: `{name}` placeholders and nothing else (the message files keep
 * to that: no linked messages, plurals or literals). It exists so that a missing parameter
 * can never reach the screen as `{n}` or as nothing: in tests it throws, naming the message
 * and the parameter, so the component that forgot it fails its test; in the app it logs the
 * same error and writes an ellipsis where the value would be.
 */
import type { MessageCompiler, MessageContext } from 'vue-i18n'

/** Thrown (in strict mode) when a message is formatted without one of its parameters. */
export class MissingParameterError extends Error {
  constructor(
    readonly key: string,
    readonly locale: string,
    readonly parameter: string,
  ) {
    super(`message "${key}" (${locale}) was formatted without its parameter {${parameter}}`)
    this.name = 'MissingParameterError'
  }
}

type Part = { text: string } | { param: string }

/** Splits a message into text and `{name}` parts. */
export function messageParts(message: string): Part[] {
  const parts: Part[] = []
  let last = 0
  for (const m of message.matchAll(/\{(\w+)\}/g)) {
    if (m.index > last) parts.push({ text: message.slice(last, m.index) })
    parts.push({ param: m[1]! })
    last = m.index + m[0].length
  }
  if (last < message.length) parts.push({ text: message.slice(last) })
  return parts
}

/** The names of a message's parameters. */
export function messageParams(message: string): string[] {
  return messageParts(message).flatMap((p) => ('param' in p ? [p.param] : []))
}

/** A compiler for createI18n: strict throws on a missing parameter, lenient logs it. */
export function strictCompiler(strict: boolean): MessageCompiler {
  const cache = new Map<string, (ctx: MessageContext) => string>()
  return (message, context) => {
    if (typeof message !== 'string')
      throw new Error(`message "${context.key}" is not a plain string`)
    const id = `${context.locale}\u0000${context.key}\u0000${message}`
    const found = cache.get(id)
    if (found) return found
    const parts = messageParts(message)
    const fn = (ctx: MessageContext): string =>
      parts
        .map((part) => {
          if ('text' in part) return part.text
          const value: unknown = ctx.named(part.param)
          if (value === undefined || value === null) {
            const error = new MissingParameterError(context.key, context.locale, part.param)
            if (strict) throw error
            console.error(error)
            return '…'
          }
          return String(value)
        })
        .join('')
    cache.set(id, fn)
    return fn
  }
}
