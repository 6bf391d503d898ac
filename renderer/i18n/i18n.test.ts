import { describe, expect, it } from 'vitest'
import { en } from './en'
import { zh } from './zh'
import { createLabI18n, languageFromNavigator } from './index'
import { MissingParameterError, messageParams } from './strict-messages'

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix]
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k))
}

describe('i18n', () => {
  it('has the same keys in both languages', () => {
    expect(keys(zh).sort()).toEqual(keys(en).sort())
  })

  it('translates every key into Chinese (no English left behind)', () => {
    const same = keys(en).filter((k) => {
      const get = (o: unknown): unknown =>
        k.split('.').reduce<unknown>((acc, part) => (acc as Record<string, unknown>)[part], o)
      return get(en) === get(zh)
    })
    // Only proper names are the same in both: OS names and profile labels.
    const names = /^controls\.profiles\.(linux|windows|macos)$|^readout\.os\./
    expect(same.filter((k) => !names.test(k))).toEqual([])
  })

  it('chooses Chinese for any zh-* browser language', () => {
    expect(languageFromNavigator('zh-CN')).toBe('zh')
    expect(languageFromNavigator('zh-TW')).toBe('zh')
    expect(languageFromNavigator('zh')).toBe('zh')
    expect(languageFromNavigator('en-US')).toBe('en')
    expect(languageFromNavigator('de')).toBe('en')
    expect(languageFromNavigator(undefined)).toBe('en')
  })

  it('interpolates messages in both languages', () => {
    const i18n = createLabI18n('zh')
    expect(i18n.global.t('picker.failed', { message: 'x' })).toBe('无法加载案例：x')
    i18n.global.locale.value = 'en'
    expect(i18n.global.t('picker.failed', { message: 'x' })).toBe('Could not load the cases: x')
  })

  it('fails loudly when a message is formatted without one of its parameters', () => {
    const i18n = createLabI18n('en')
    expect(() => i18n.global.t('picker.failed', {})).toThrow(MissingParameterError)
    expect(() => i18n.global.t('picker.failed', {})).toThrow('{message}')
    // In the app the value is an ellipsis (and the error is logged), never "{message}".
    const lenient = createLabI18n('zh', { strict: false })
    const error = console.error
    console.error = () => {}
    try {
      expect(lenient.global.t('picker.failed', {})).toBe('无法加载案例：…')
    } finally {
      console.error = error
    }
  })

  it('has the same parameters in both languages for every message', () => {
    const get = (o: unknown, k: string): unknown =>
      k.split('.').reduce<unknown>((acc, part) => (acc as Record<string, unknown>)[part], o)
    const differ = keys(en).filter((k) => {
      const a = messageParams(String(get(en, k))).sort()
      const b = messageParams(String(get(zh, k))).sort()
      return a.join() !== b.join()
    })
    expect(differ).toEqual([])
  })
})
