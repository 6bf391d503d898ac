import { describe, expect, it } from 'vitest'
import { programBackend, splitCommand } from './program-run'

describe('splitCommand', () => {
  it('splits like a shell, without expanding anything', () => {
    expect(splitCommand('python3 examples/python/robust_client.py {host} {port}')).toEqual([
      'python3',
      'examples/python/robust_client.py',
      '{host}',
      '{port}',
    ])
    expect(splitCommand(`sh -c 'echo $HOME; ls *'`)).toEqual(['sh', '-c', 'echo $HOME; ls *'])
    expect(splitCommand('a "b \\"c\\" d" e\\ f  ')).toEqual(['a', 'b "c" d', 'e f'])
    expect(splitCommand(`a 'b`)).toBeNull()
    expect(splitCommand('a "b')).toBeNull()
    expect(splitCommand('   ')).toEqual([])
  })
})

describe('programBackend', () => {
  it('refuses the simulator and broken command lines, naming why', () => {
    const sim = programBackend({ role: 'client', command: 'python3 c.py' }, 'sim')
    expect(sim.ok || sim.error.message).toMatch(/real kernel only/)
    const quote = programBackend({ role: 'client', command: "python3 'c.py" }, 'kernel')
    expect(quote.ok || quote.error.message).toMatch(/quote that is not closed/)
    const made = programBackend({ role: 'server', command: 'python3 s.py {port}' }, 'kernel')
    expect(made.ok && made.value.id).toBe('kernel')
  })
})
