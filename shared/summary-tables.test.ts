import { describe, expect, it } from 'vitest'
import { ARTICLE_SECTIONS, articleSection } from './article'
import { findCase } from './catalog/index'
import { isErrnoName } from './errno'
import {
  SUMMARY_CALLS,
  SUMMARY_ROWS,
  SUMMARY_TABLES,
  TOPICS,
  type SummaryRow,
} from './summary-tables'

/** The case ids of docs/article-map.md (the article's cases and the ones worth adding). */
const DIGEST_CASES = [
  'connect.ok',
  'connect.refused',
  'connect.unreachable',
  'connect.timeout',
  'connect.nonblocking',
  'connect.nonblocking-refused',
  'connect.nonblocking-timeout',
  'connect.nonblocking-icmp',
  'handshake.syn-lost',
  'handshake.synack-lost',
  'handshake.ack-lost',
  'idle.partition',
  'send.partition',
  'send.nat-ack',
  'recv.partition',
  'peer.crash-fin',
  'peer.crash-rst',
  'peer.host-down',
  'peer.close',
  'peer.close-unread',
  'peer.abort',
  'peer.half-close',
  'peer.stopped',
  'recv.timeout',
  'idle.keepalive',
  'call.eintr',
  'send.user-timeout',
]

/** A row that explains a textbook section (a boundary case), not the article's tables. */
function isTextbook(row: SummaryRow): boolean {
  return articleSection(row.section).kind === 'textbook'
}

describe('summary tables', () => {
  it("has the article's three tables with the digest row counts, then textbook rows", () => {
    const fromArticle = (c: (typeof SUMMARY_CALLS)[number]) =>
      SUMMARY_TABLES[c].filter((r) => !isTextbook(r))
    expect(SUMMARY_CALLS.slice(0, 3).map((c) => fromArticle(c).length)).toEqual([5, 6, 5])
  })

  it.each(SUMMARY_ROWS.map((r) => [r.id, r] as const))('row %s is well formed', (_id, row) => {
    expect(row.id.startsWith(`${row.call}.`)).toBe(true)
    expect(Object.keys(ARTICLE_SECTIONS)).toContain(row.section)
    expect(Object.keys(TOPICS)).toContain(row.topic)
    // An article row shows the digest's cases; a textbook row shows the boundary cases.
    // (An article row may name a boundary case that shows it too: send.user-timeout.)
    for (const c of row.cases)
      if (isTextbook(row)) expect(findCase(c)?.group).toBe('boundary')
      else expect(DIGEST_CASES).toContain(c)
    expect(row.cause.en.length).toBeGreaterThan(5)
    expect(row.cause.zh.length).toBeGreaterThan(3)
    // An error row names its errno, a success row does not.
    const fails = row.returnClass === 'error' || row.returnClass === 'positive-then-error'
    expect(row.errno !== null).toBe(fails)
    if (row.errno) expect(isErrnoName(row.errno)).toBe(true)
  })

  it('every case a row names is in the catalog, so the Summary view can link it', () => {
    for (const row of SUMMARY_ROWS)
      for (const c of row.cases) expect(findCase(c)?.script.id, `${row.id} -> ${c}`).toBe(c)
  })

  it('a step a row pins is a call of that row in its case', () => {
    for (const row of SUMMARY_ROWS as readonly SummaryRow[])
      for (const [caseId, step] of Object.entries(row.steps ?? {})) {
        expect(row.cases, `${row.id} pins a step of ${caseId}`).toContain(caseId)
        expect(findCase(caseId)?.script.steps[step]?.op, `${row.id} ${caseId}`).toBe(row.call)
      }
  })

  it('a cause says what happened, not what the call returned', () => {
    for (const row of SUMMARY_ROWS) {
      const text = `${row.cause.en} ${row.condition?.en ?? ''}`.toLowerCase()
      for (const word of ['returns', 'fails', 'succeed', 'blocks'])
        expect(text, `${row.id}: "${word}"`).not.toContain(word)
      if (row.errno)
        expect(`${row.cause.en} ${row.condition?.en ?? ''}`, row.id).not.toContain(row.errno)
    }
  })

  it('row ids are unique', () => {
    expect(new Set(SUMMARY_ROWS.map((r) => r.id)).size).toBe(SUMMARY_ROWS.length)
  })

  it('keeps the digest facts: refused is ECONNREFUSED, recv after FIN is 0, EPIPE brings SIGPIPE', () => {
    const byId = new Map(SUMMARY_ROWS.map((r) => [r.id, r]))
    expect(byId.get('connect.refused')?.errno).toBe('ECONNREFUSED')
    expect(byId.get('recv.fin')?.returns).toBe('0')
    expect(byId.get('send.epipe')?.signal).toBe('SIGPIPE')
    expect(byId.get('connect.ack-lost')?.states).toEqual({
      client: 'ESTABLISHED',
      server: 'SYN_RCVD',
    })
  })
})
