/**
 * Chinese complete (issue 16): every Chinese UI text, the shell's, the cause words and the
 * error glosses hold to one style and leave no English behind (renderer/lib/zh-check.ts).
 * The run texts of every catalog case on every profile are checked by e2e/web/completeness.spec.ts.
 */
import { describe, expect, it } from 'vitest'
import { ALL_COMMANDS } from '../lib/shell/commands'
import { ERRNO_GLOSS_ZH } from '../lib/errno-gloss'
import { englishRuns, placeholders, zhStyleProblems } from '../lib/zh-check'
import { zh } from './zh'

function texts(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]]
  if (!value || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([k, v]) => texts(v, path ? `${path}.${k}` : k))
}

describe('Chinese text', () => {
  const all: [string, string][] = [
    ...texts(zh),
    ...Object.values(ALL_COMMANDS).map((c): [string, string] => [`shell.${c.name}`, c.help.zh]),
    ...Object.entries(ERRNO_GLOSS_ZH).map(([k, v]): [string, string] => [`gloss.${k}`, v]),
  ]

  it('leaves no English word list in any message, the shell’s help or the error glosses', () => {
    const found = all.flatMap(([key, text]) =>
      englishRuns(text.replace(/\{\w+\}/g, ' ')).map((r) => `${key}: ${r}`),
    )
    expect(found).toEqual([])
  })

  it('writes full-width colons and a space between Chinese and code', () => {
    // Placeholders are filled with Chinese or with code: only the fixed text is checked.
    const found = all.flatMap(([key, text]) =>
      text
        .split(/\{\w+\}/)
        .flatMap((part) => zhStyleProblems(part))
        .map((p) => `${key}: ${p}`),
    )
    expect(found).toEqual([])
  })

  it('finds what it is meant to find', () => {
    expect(englishRuns('定时器到期：SYN retries exhausted')).toEqual(['retries exhausted'])
    expect(englishRuns('connect() 以 ETIMEDOUT 失败（RFC 9293 3.10.7.1）')).toEqual([])
    expect(zhStyleProblems('刚刚发生了什么:')).toHaveLength(1)
    expect(zhStyleProblems('recv()返回 -1')).toHaveLength(1)
    expect(placeholders('经过 {s} 秒；SO_LINGER {on, 0}')).toEqual(['{s}'])
  })
})
