// `socklab run <case> --pcap FILE` (docs/pcap-export.md): the run's capture is written beside the
// usual output; what is inside is checked frame by frame in main/lab/pcap-tshark.test.ts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { EXIT, runCli } from './run-cli'

const dir = mkdtempSync(join(tmpdir(), 'socklab-pcap-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function io(): {
  out: string[]
  err: string[]
  io: { out(t: string): void; err(t: string): void }
} {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (t) => out.push(t), err: (t) => err.push(t) } }
}

/** Block types of a pcapng file, in order. */
function blockTypes(bytes: Buffer): number[] {
  const types: number[] = []
  for (let at = 0; at < bytes.length; at += bytes.readUInt32LE(at + 4))
    types.push(bytes.readUInt32LE(at))
  return types
}

describe('socklab run --pcap', () => {
  it('writes the capture and says how many frames it holds', async () => {
    const file = join(dir, 'refused.pcapng')
    const seen = io()
    expect(await runCli(['run', 'connect.refused', '--pcap', file], seen.io)).toBe(EXIT.done)
    // SYN and RST: a section header, an interface and two packets.
    expect(blockTypes(readFileSync(file))).toEqual([0x0a0d0d0a, 1, 6, 6])
    expect(seen.out.at(-1)).toBe(`# capture: 2 frames written to ${file}`)
  })

  it('keeps --json to one document on stdout', async () => {
    const file = join(dir, 'unreachable.pcapng')
    const seen = io()
    const code = await runCli(['run', 'connect.unreachable', '--json', '--pcap', file], seen.io)
    expect(code).toBe(EXIT.done)
    expect(seen.out).toHaveLength(1)
    const result = JSON.parse(seen.out[0]!) as { events: { type: string }[] }
    const shown = result.events.filter((e) => e.type === 'segment' || e.type === 'icmp')
    expect(blockTypes(readFileSync(file)).filter((t) => t === 6)).toHaveLength(shown.length)
  })

  it('refuses --pcap without a file, on another command, or where it cannot write', async () => {
    let seen = io()
    expect(await runCli(['run', 'connect.ok', '--pcap'], seen.io)).toBe(EXIT.badInput)
    expect(seen.err.join('\n')).toMatch(/--pcap needs the file to write/)
    seen = io()
    expect(await runCli(['check', 'connect.ok', '--pcap', join(dir, 'x')], seen.io)).toBe(
      EXIT.badInput,
    )
    expect(seen.err.join('\n')).toMatch(/--pcap belongs to "run"/)
    seen = io()
    const nowhere = join(dir, 'missing', 'x.pcapng')
    expect(await runCli(['run', 'connect.ok', '--pcap', nowhere], seen.io)).toBe(EXIT.badInput)
    expect(seen.err.join('\n')).toMatch(/^Could not write the capture to .*missing/)
  })
})
