import { describe, expect, it } from 'vitest'
import { plainText } from './plain-text'

describe('plainText', () => {
  it('removes colour codes and keeps everything else', () => {
    expect(plainText("\x1b[90m at x\x1b[39m { code: \x1b[32m'MODULE_NOT_FOUND'\x1b[39m }")).toBe(
      " at x { code: 'MODULE_NOT_FOUND' }",
    )
    expect(plainText('连接被拒绝 [ok]')).toBe('连接被拒绝 [ok]')
  })
})
