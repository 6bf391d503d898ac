import { describe, expect, it } from 'vitest'
import { savePagePdf, type PdfDeps } from './pdf'

const PDF = new TextEncoder().encode('%PDF-1.7 test')

function deps(over: Partial<PdfDeps> = {}): PdfDeps & { written: [string, Uint8Array][] } {
  const written: [string, Uint8Array][] = []
  return {
    written,
    printToPdf: async () => PDF,
    askPath: async (p) => p,
    writeFile: async (path, data) => {
      written.push([path, data])
    },
    folder: '/home/t/Documents',
    ...over,
  }
}

describe('savePagePdf', () => {
  it('prints, asks where (proposing the name in the documents folder) and writes', async () => {
    const asked: string[] = []
    const d = deps({ askPath: async (p) => (asked.push(p), '/tmp/sheet.pdf') })
    expect(await savePagePdf(d, { fileName: 'connect.refused-linux.pdf' })).toEqual({
      ok: true,
      value: { saved: '/tmp/sheet.pdf' },
    })
    expect(asked).toEqual(['/home/t/Documents/connect.refused-linux.pdf'])
    expect(d.written).toEqual([['/tmp/sheet.pdf', PDF]])
  })

  it('writes nothing when the user cancels', async () => {
    const d = deps({ askPath: async () => undefined })
    expect(await savePagePdf(d, { fileName: 'a.pdf' })).toEqual({
      ok: true,
      value: { saved: null },
    })
    expect(d.written).toEqual([])
  })

  it('answers every failure as data', async () => {
    const noWindow = await savePagePdf(deps({ printToPdf: undefined }), { fileName: 'a.pdf' })
    expect(noWindow).toMatchObject({ ok: false, error: { code: 'unsupported' } })
    const print = await savePagePdf(
      deps({ printToPdf: async () => Promise.reject(new Error('renderer gone')) }),
      { fileName: 'a.pdf' },
    )
    expect(print).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('renderer gone') },
    })
    const full = Object.assign(new Error('no space'), { code: 'ENOSPC' })
    const write = await savePagePdf(deps({ writeFile: async () => Promise.reject(full) }), {
      fileName: 'a.pdf',
    })
    expect(write).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('the disk is full') },
    })
  })
})
