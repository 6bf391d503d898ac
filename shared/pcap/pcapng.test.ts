import { describe, expect, it } from 'vitest'
import { encodePcapng, utf8Bytes } from './pcapng'

/** Walks the blocks: type, total length (checked at both ends) and body. */
function blocks(file: Uint8Array): { type: number; body: Uint8Array }[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength)
  const out: { type: number; body: Uint8Array }[] = []
  for (let at = 0; at < file.length;) {
    const type = view.getUint32(at, true)
    const length = view.getUint32(at + 4, true)
    expect(length % 4).toBe(0)
    expect(view.getUint32(at + length - 4, true)).toBe(length)
    out.push({ type, body: file.subarray(at + 8, at + length - 4) })
    at += length
  }
  return out
}

/** Reads the options that start at `at` of a block body, up to opt_endofopt. */
function options(body: Uint8Array, at: number): Map<number, number[]> {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength)
  const found = new Map<number, number[]>()
  while (at < body.length) {
    const code = view.getUint16(at, true)
    const length = view.getUint16(at + 2, true)
    if (code === 0) break
    found.set(code, [...body.subarray(at + 4, at + 4 + length)])
    at += 4 + length + ((4 - (length % 4)) % 4)
  }
  return found
}

describe('encodePcapng', () => {
  const file = encodePcapng(
    [
      {
        timestampUs: 1_704_067_200_000_000 + 1500,
        data: Uint8Array.of(1, 2, 3, 4, 5),
        comment: '重传 retransmission',
      },
      { timestampUs: 1_704_067_200_000_000 + 2000, data: Uint8Array.of(9, 9, 9, 9) },
    ],
    { application: 'Socket Anomaly Lab', interfaceName: 'socket-lab', comment: 'section' },
  )
  const list = blocks(file)

  it('is a section header, one Ethernet interface and one packet block per frame', () => {
    expect(list.map((b) => b.type)).toEqual([0x0a0d0d0a, 1, 6, 6])
    const shb = new DataView(list[0]!.body.buffer, list[0]!.body.byteOffset)
    expect(shb.getUint32(0, true)).toBe(0x1a2b3c4d)
    expect(shb.getUint16(4, true)).toBe(1)
    expect(options(list[0]!.body, 16).get(4)).toEqual(ascii('Socket Anomaly Lab'))
    const idb = new DataView(list[1]!.body.buffer, list[1]!.body.byteOffset)
    expect(idb.getUint16(0, true)).toBe(1)
    expect(options(list[1]!.body, 8).get(2)).toEqual(ascii('socket-lab'))
  })

  it('stores time stamps in microseconds, lengths, padded data and the UTF-8 comment', () => {
    const epb = list[2]!.body
    const view = new DataView(epb.buffer, epb.byteOffset, epb.byteLength)
    const ts = view.getUint32(4, true) * 2 ** 32 + view.getUint32(8, true)
    expect(ts).toBe(1_704_067_200_000_000 + 1500)
    expect(view.getUint32(12, true)).toBe(5)
    expect(view.getUint32(16, true)).toBe(5)
    expect([...epb.subarray(20, 28)]).toEqual([1, 2, 3, 4, 5, 0, 0, 0])
    expect(options(epb, 28).get(1)).toEqual([...utf8Bytes('重传 retransmission')])
    // A frame without a comment has no options at all.
    expect(list[3]!.body.length).toBe(20 + 4)
  })
})

describe('utf8Bytes', () => {
  it('encodes one to four bytes per character, a lone surrogate as U+FFFD (as TextEncoder)', () => {
    expect([...utf8Bytes('a')]).toEqual([0x61])
    expect([...utf8Bytes('é')]).toEqual([0xc3, 0xa9])
    expect([...utf8Bytes('中')]).toEqual([0xe4, 0xb8, 0xad])
    expect([...utf8Bytes('😀')]).toEqual([0xf0, 0x9f, 0x98, 0x80])
    expect([...utf8Bytes('\ud800x')]).toEqual([0xef, 0xbf, 0xbd, 0x78])
  })
})

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0))
}
