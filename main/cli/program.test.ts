import { describe, expect, it } from 'vitest'
import { parseProgramArgs, wantsProgram } from './program'

describe('socklab run ... --client|--server -- command', () => {
  it('is a program run only when the role flag comes before "--"', () => {
    expect(wantsProgram(['peer.crash-rst', '--client', '--', 'python3', 'c.py'])).toBe(true)
    expect(wantsProgram(['peer.crash-rst', '--backend', 'kernel'])).toBe(false)
    expect(wantsProgram(['x', '--', 'prog', '--client'])).toBe(false)
  })

  it('reads the role, the command after "--" untouched, --json and --limit', () => {
    expect(
      parseProgramArgs([
        'peer.crash-rst',
        '--backend',
        'kernel',
        '--server',
        '--json',
        '--limit',
        '3000',
        '--',
        'node',
        's.js',
        '--port',
        '{port}',
      ]),
    ).toEqual({
      target: 'peer.crash-rst',
      role: 'server',
      command: ['node', 's.js', '--port', '{port}'],
      json: true,
      limitMs: 3000,
    })
  })

  it('says what is wrong', () => {
    expect(parseProgramArgs(['x', '--client'])).toMatch(/after "--"/)
    expect(parseProgramArgs(['x', '--client', '--server', '--', 'p'])).toMatch(/one role/)
    expect(parseProgramArgs(['x', '--backend', 'sim', '--client', '--', 'p'])).toMatch(
      /only on the kernel backend/,
    )
    expect(parseProgramArgs(['x', '--client', '--'])).toMatch(/Name the client program/)
    expect(parseProgramArgs(['--client', '--', 'p'])).toMatch(/exactly one scenario/)
    expect(parseProgramArgs(['x', '--client', '--limit', '5', '--', 'p'])).toMatch(/--limit/)
  })
})
