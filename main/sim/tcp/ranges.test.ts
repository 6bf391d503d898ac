import { describe, expect, it } from 'vitest'
import {
  addRange,
  dropAcked,
  highestSacked,
  markSacked,
  nextSacked,
  noteSent,
  sackBlocks,
  sackedEnd,
  type SentRange,
  type SeqRange,
} from './ranges'

describe('held ranges and SACK blocks', () => {
  it('merges what touches or overlaps, keeps gaps', () => {
    const q: SeqRange[] = []
    addRange(q, 3001, 4001)
    addRange(q, 1001, 2001)
    addRange(q, 5001, 5002)
    expect(q).toEqual([
      [1001, 2001],
      [3001, 4001],
      [5001, 5002],
    ])
    addRange(q, 2001, 3001) // fills the gap between the first two
    addRange(q, 4500, 5001) // overlaps nothing, touches the FIN's range
    expect(q).toEqual([
      [1001, 4001],
      [4500, 5002],
    ])
  })

  it('reports the block of the segment received last first, at most three, as copies', () => {
    const q: SeqRange[] = [
      [10, 20],
      [30, 40],
      [50, 60],
      [70, 80],
    ]
    const blocks = sackBlocks(q, 55)
    expect(blocks).toEqual([
      [50, 60],
      [10, 20],
      [30, 40],
    ])
    blocks[0]![1] = 99
    expect(q[2]).toEqual([50, 60])
  })
})

describe("the sender's record of what it sent", () => {
  const ranges = (sent: SentRange[]): string[] =>
    sent.map((r) => `${r.seq}-${r.end}#${r.n}${r.rtx ? 'r' : ''}${r.sacked ? 's' : ''}`)

  it('appends new data and splits what a repeat covers', () => {
    const sent: SentRange[] = []
    noteSent(sent, 1, 1001, 1, 0)
    noteSent(sent, 1001, 2001, 2, 0)
    noteSent(sent, 2001, 2002, 3, 0) // the FIN
    noteSent(sent, 501, 1501, 4, 5)
    expect(ranges(sent)).toEqual([
      '1-501#1',
      '501-1001#4r',
      '1001-1501#4r',
      '1501-2001#2',
      '2001-2002#3',
    ])
  })

  it('marks SACKed ranges, drops acknowledged ones, and says what was delivered last', () => {
    const sent: SentRange[] = []
    noteSent(sent, 1, 1001, 1, 0)
    noteSent(sent, 1001, 2001, 2, 0)
    noteSent(sent, 2001, 3001, 3, 0)
    expect(markSacked(sent, 1001, 2001, 1, 0)).toBe(2)
    expect(markSacked(sent, 1001, 2001, 1, 0)).toBe(0) // nothing new
    expect([sackedEnd(sent, 1001), sackedEnd(sent, 1), nextSacked(sent, 1)]).toEqual([
      2001, 1, 1001,
    ])
    expect(highestSacked(sent)).toBe(2001)
    expect(dropAcked(sent, 2001, 2, 0)).toBe(1)
    expect(ranges(sent)).toEqual(['2001-3001#3'])
    expect([nextSacked(sent, 2001), highestSacked(sent)]).toEqual([Infinity, 0])
  })

  it('does not count a repeat acknowledged sooner than the smallest RTT (the first copy arrived)', () => {
    const sent: SentRange[] = []
    noteSent(sent, 1, 1001, 1, 0)
    noteSent(sent, 1, 1001, 2, 100) // repeated at 100 ms
    expect(dropAcked([...sent], 1001, 100.02, 0.1)).toBe(0)
    expect(dropAcked(sent, 1001, 100.1, 0.1)).toBe(2)
  })
})
