import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { fileKind, wrongKind } from './file-kind'

describe('fileKind', () => {
  it('reads the mark of each kind in JSON and in YAML', () => {
    expect(fileKind('{"socklabTrace": 1, "result": {}}')).toBe('trace')
    expect(fileKind('socklabResult: 1\nstudent: Li\n')).toBe('result')
    expect(fileKind('\uFEFF{"pack": {"id": "p"}}')).toBe('pack')
    expect(fileKind('labScript: 2\nid: x\n')).toBe('script')
  })

  it('reads YAML flow style that is not JSON with the YAML reader', () => {
    expect(fileKind('{labScript: 2, id: x}')).toBe('script')
    expect(fileKind('  {pack: {id: p}}')).toBe('pack')
  })

  it('gives the same kind as the YAML reader for every JSON text, repeated keys included', () => {
    const texts = [
      '{"pack": 1, "pack": 2}',
      '{"a": 1, "socklabTrace": {"x": [1, 2]}}',
      '[{"pack": 1}]',
      '{"labScript": null}',
    ]
    for (const text of texts) {
      const value = parse(text, { uniqueKeys: false }) as unknown
      const yamlKind =
        value && typeof value === 'object' && !Array.isArray(value)
          ? (['socklabResult', 'pack', 'socklabTrace', 'labScript'].find((k) => k in value) ??
            'none')
          : 'none'
      expect(fileKind(text) === 'unknown' ? 'none' : fileKind(text), text).toBe(
        { socklabResult: 'result', pack: 'pack', socklabTrace: 'trace', labScript: 'script' }[
          yamlKind
        ] ?? 'none',
      )
    }
  })

  it('calls text that is neither unknown', () => {
    expect(fileKind('{"pack": ')).toBe('unknown')
    expect(fileKind('- a\n- b\n')).toBe('unknown')
    expect(fileKind('just words')).toBe('unknown')
  })

  it('names a file of another kind, and only then', () => {
    expect(wrongKind('{"pack": {}}', 'trace')).toBe('pack')
    expect(wrongKind('{"socklabTrace": 1}', 'trace')).toBeNull()
    expect(wrongKind('nothing', 'trace')).toBeNull()
  })
})
