/**
 * A student of the class server for tests: a real WebSocket (the `ws` library) on 127.0.0.1
 * that records every message it receives (each checked against the protocol's schema) and
 * waits, bounded, for the one a test expects.
 */
import { request } from 'node:http'
import WebSocket from 'ws'
import { serverMessageSchema, type ServerMessage } from '../../shared/class/protocol'

/** One connected test student. */
export interface TestStudent {
  ws: WebSocket
  messages: ServerMessage[]
  /** Messages that did not match the protocol (a test expects none). */
  invalid: string[]
  send(message: unknown): void
  /** The first message (from `from` on) that `match` accepts; rejects after `ms`. */
  next<T extends ServerMessage['type']>(
    type: T,
    from?: number,
    ms?: number,
  ): Promise<Extract<ServerMessage, { type: T }>>
  /** The close code and reason, when the server closes. */
  closed: Promise<{ code: number; reason: string }>
}

/** Opens a socket to `/<code>/ws` with the class page's Origin. */
export function connectStudent(port: number, code: string, origin?: string): Promise<TestStudent> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/${code}/ws`, {
    origin: origin ?? `http://127.0.0.1:${port}`,
  })
  const messages: ServerMessage[] = []
  const invalid: string[] = []
  const waiters = new Set<() => void>()
  ws.on('message', (data) => {
    const text = String(data)
    const parsed = serverMessageSchema.safeParse(JSON.parse(text))
    if (parsed.success) messages.push(parsed.data)
    else invalid.push(text)
    for (const w of waiters) w()
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  )
  const student: TestStudent = {
    ws,
    messages,
    invalid,
    closed,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next(type, from = 0, ms = 5000) {
      type M = Extract<ServerMessage, { type: typeof type }>
      return new Promise<M>((resolve, reject) => {
        const look = (): boolean => {
          const found = messages.slice(from).find((m) => m.type === type)
          if (found) {
            waiters.delete(check)
            clearTimeout(timer)
            resolve(found as M)
          }
          return Boolean(found)
        }
        const check = (): void => void look()
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`no "${type}" message within ${ms} ms; got ${JSON.stringify(messages)}`))
        }, ms)
        if (!look()) waiters.add(check)
      })
    },
  }
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(student))
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`refused: ${res.statusCode ?? 0}`)),
    )
    ws.once('error', reject)
  })
}

/** A plain HTTP request to the class server: status, headers, body. */
export function get(
  port: number,
  path: string,
  method = 'GET',
): Promise<{
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.setTimeout(5000, () => req.destroy(new Error(`no answer to ${path} within 5 s`)))
    req.end()
  })
}

/**
 * A question pack for class tests: `answers.length` two-option questions q1, q2, ... whose
 * right options are `answers` (a or b).
 */
export function twoOptionPack(id: string, title: string, answers: readonly ('a' | 'b')[]): string {
  const questions = answers.map(
    (answer, i) => `  - id: q${i + 1}
    prompt: { en: Question ${i + 1}?, zh: 第 ${i + 1} 题？ }
    options:
      - { id: a, text: { en: A, zh: 甲 } }
      - { id: b, text: { en: B, zh: 乙 } }
    answer: ${answer}
    explanation: { en: ${answer.toUpperCase()}., zh: ${answer === 'a' ? '甲' : '乙'}。 }`,
  )
  return `pack: 1\nid: ${id}\ntitle: { en: ${title}, zh: ${title} }\nquestions:\n${questions.join('\n')}\n`
}
