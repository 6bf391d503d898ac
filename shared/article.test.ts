import { describe, expect, it } from 'vitest'
import { ARTICLE_SECTIONS, articleErrnos, articleOnSystem, SIC } from './article'

describe('article sections', () => {
  it("marks the original's typos where the key sentence quotes them", () => {
    const zh = Object.values(ARTICLE_SECTIONS).map((s) => s.gist.zh)
    for (const typo of ['进过', 'SYN_REVD', 'ESTABLISED', 'ESTABLISHDED']) {
      const quoted = zh.filter((t) => t.includes(typo))
      expect(quoted.length, typo).toBeGreaterThan(0)
      for (const t of quoted) expect(t, typo).toContain(`${typo}${SIC}`)
    }
  })

  it('lists the errnos a section quotes', () => {
    expect(articleErrnos('transfer.4.2')).toEqual(['ECONNRESET'])
    expect(articleErrnos('establish.1')).toEqual([])
  })

  it("says the article describes Linux, with this OS's name and number beside it", () => {
    expect(articleOnSystem('transfer.4.2', 'windows', 'en')).toBe(
      'The article describes Linux: ECONNRESET (104) is WSAECONNRESET (10054) on Windows.',
    )
    expect(articleOnSystem('transfer.4.2', 'macos', 'zh')).toBe(
      '文章描述的是 Linux：ECONNRESET（104）在 macOS 上是 ECONNRESET（54）。',
    )
    expect(articleOnSystem('transfer.4.1', 'windows', 'en')).toBe(
      'The article describes Linux: Windows has no EPIPE (32 on Linux).',
    )
    // Nothing to say on Linux, or where the OS spells the error the same way.
    expect(articleOnSystem('transfer.4.2', 'linux', 'en')).toBeNull()
    expect(articleOnSystem('transfer.4.1', 'macos', 'en')).toBeNull()
  })
})

describe('textbook sections', () => {
  it('are marked as such and never said to be the article describing Linux', () => {
    const textbook = Object.entries(ARTICLE_SECTIONS).filter(([, s]) => 'kind' in s)
    expect(textbook.length).toBeGreaterThan(0)
    for (const [id] of textbook) expect(articleOnSystem(id, 'windows', 'en')).toBeNull()
    // unp.5.15 names ECONNRESET, which Windows spells differently: still no article line.
    expect(articleErrnos('unp.5.15')).toEqual(['ECONNRESET'])
  })
})
