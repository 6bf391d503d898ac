import { describe, expect, it } from 'vitest'
import { pollBits, soError } from './actions'
import { parseReply } from './peer'

describe('what poll() and getsockopt(SO_ERROR) wrote, from the reply line', () => {
  it("names a revents word's bits (asm-generic/poll.h), in value order", () => {
    expect(pollBits(0)).toEqual([])
    expect(pollBits(4)).toEqual(['POLLOUT'])
    expect(pollBits(0x1c)).toEqual(['POLLOUT', 'POLLERR', 'POLLHUP'])
    expect(pollBits(0x8)).toEqual(['POLLERR'])
    expect(pollBits(0x20)).toEqual(['POLLNVAL'])
    // POLLRDHUP (0x2000) and POLLPRI are never asked for: left out.
    expect(pollBits(0x2011)).toEqual(['POLLIN', 'POLLHUP'])
  })

  it("reads SO_ERROR's int as an errno, 0 as none", () => {
    expect(soError(0)).toEqual({ soError: null })
    expect(soError(111)).toEqual({ soError: 'ECONNREFUSED' })
    expect(soError(113)).toEqual({ soError: 'EHOSTUNREACH' })
    expect(() => soError(4095)).toThrow(/errno 4095/)
  })

  it('carries the value in the reply line as extra', () => {
    expect(parseReply('= 1 0 0 12.5 28 3')).toMatchObject({ ret: 1, extra: 28, fd: 3 })
  })
})
