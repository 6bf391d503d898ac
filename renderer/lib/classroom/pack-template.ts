/**
 * The pack editor's starting point and its form: a template pack (a question of each kind and
 * a lab to predict and run, in both languages) and the top-level fields the form edits in the
 * YAML document itself, so the teacher's comments and the rest of the file are kept.
 */
import { parseDocument } from 'yaml'

/** A pack to start from: valid as it is, meant to be edited. */
export const PACK_TEMPLATE = `pack: 1
id: my-class-week1
title: { en: 'Week 1: a refused connection', zh: 第一周：被拒绝的连接 }
seed: 20260302 # the same seed gives every student the same generated questions
timeLimitMin: 20 # optional; when time is up, unanswered questions count as wrong
generate: # optional: questions generated from the summary tables
  count: 3
  types: [cause-to-result, errno-number]
questions: # your own questions
  - id: who-resets
    topic: rst
    prompt:
      en: A SYN reaches a port nobody listens on. Who answers it with RST?
      zh: SYN 到达一个没有程序监听的端口。谁用 RST 回应它？
    options:
      - { id: kernel, text: { en: "the server host's TCP", zh: 服务端主机的 TCP 协议栈 } }
      - { id: app, text: { en: the server application, zh: 服务端应用程序 } }
      - { id: router, text: { en: a router on the way, zh: 途中的路由器 } }
    answer: kernel
    explanation:
      en: No program is needed; the host's TCP refuses for the closed port (RFC 9293 3.10.7.1).
      zh: 不需要任何程序参与；主机的 TCP 协议栈代表这个关闭的端口拒绝连接（RFC 9293 3.10.7.1）。
    caseId: connect.refused
labs: # predict, then run: a lab script and the step whose result the student predicts
  - id: refused-connect
    topic: rst
    step: 0
    prompt:
      en: Nothing listens on port 7009. What does connect() return?
      zh: 端口 7009 上没有程序监听。connect() 返回什么？
    script:
      labScript: 1
      steps:
        - { actor: client, op: connect, port: 7009 }
`

/** The top-level fields the form shows. */
export interface PackFields {
  id: string
  titleEn: string
  titleZh: string
  seed: number | null
  timeLimitMin: number | null
  generateCount: number | null
}

function str(value: unknown): string {
  return typeof value === 'string'
    ? value
    : value === undefined || value === null
      ? ''
      : String(value)
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

/** The form's fields as the YAML text has them (empty where the text has none or no YAML). */
export function readFields(text: string): PackFields {
  const doc = parseDocument(text)
  const get = (path: (string | number)[]): unknown => {
    try {
      return doc.getIn(path)
    } catch {
      return undefined
    }
  }
  return {
    id: str(get(['id'])),
    titleEn: str(get(['title', 'en'])),
    titleZh: str(get(['title', 'zh'])),
    seed: num(get(['seed'])),
    timeLimitMin: num(get(['timeLimitMin'])),
    generateCount: num(get(['generate', 'count'])),
  }
}

/**
 * The text with one field of the form changed, everything else as the teacher wrote it. An
 * empty number removes an optional field (no time limit, no generated questions). Text that
 * is not a YAML mapping is returned unchanged: the YAML pane says what is wrong with it.
 */
export function writeField<K extends keyof PackFields>(
  text: string,
  field: K,
  value: PackFields[K],
): string {
  const doc = parseDocument(text)
  if (doc.errors.length > 0 || (doc.contents && !('items' in doc.contents))) return text
  const path: Record<keyof PackFields, (string | number)[]> = {
    id: ['id'],
    titleEn: ['title', 'en'],
    titleZh: ['title', 'zh'],
    seed: ['seed'],
    timeLimitMin: ['timeLimitMin'],
    generateCount: ['generate', 'count'],
  }
  if (value === null || value === '') doc.deleteIn(path[field])
  else doc.setIn(path[field], value)
  if (field === 'generateCount' && value === null) doc.deleteIn(['generate'])
  return doc.toString()
}
