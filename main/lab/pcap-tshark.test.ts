// The exported capture read back by Wireshark's own dissector (docs/pcap-export.md): every
// catalog case on the simulator (profile linux) and a few on the kernel lab are written as
// pcapng and read with `tshark -r`. tshark must say nothing on stderr; it must show exactly
// the run's segments and ICMP errors, with their flags, lengths and sequence numbers (absolute,
// checked against each stream's own SYN), good IP/TCP/ICMP checksums, a retransmission mark
// wherever the app says retransmit, and the RST and ICMP frames. Without tshark (Debian's
// package; .ci/run installs it) the whole file skips with one line.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CATALOG, scenarioScript } from '../../shared/catalog/index'
import type { LabResult, SegmentEvent } from '../../shared/lab-result'
import type { LabScript } from '../../shared/lab-script'
import { runToPcapng } from '../../shared/pcap/capture'
import { TCP_FLAG_BITS } from '../../shared/pcap/packets'
import { kernelBackend, probeKernel } from '../kernel/index'
import { limiter } from '../kernel/test-util'
import { simBackend } from '../sim/index'
import { runScript } from './session'

const hasTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0
const dir = mkdtempSync(join(tmpdir(), 'socklab-pcap-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const FIELDS = [
  'frame.number',
  'frame.comment',
  'ip.proto',
  'ip.checksum.status',
  'tcp.stream',
  'tcp.flags',
  'tcp.seq',
  'tcp.ack',
  'tcp.len',
  'tcp.checksum.status',
  'tcp.analysis.retransmission',
  'tcp.analysis.fast_retransmission',
  'tcp.analysis.spurious_retransmission',
  'icmp.type',
  'icmp.code',
  'icmp.checksum.status',
] as const
type Row = Record<(typeof FIELDS)[number], string>

/** tshark's own notice when run as root: about tshark, not about the file. */
const ROOT_NOTICE = /^Running as user "root" and group "root"\. This could be dangerous\.$/

/** Reads the file back: one row per frame (first occurrence of each field: an ICMP frame's
 * quoted header repeats the IP and TCP fields). */
function tshark(file: string): { rows: Row[]; stderr: string[] } {
  const out = spawnSync(
    'tshark',
    [
      '-r',
      file,
      '-o',
      'tcp.relative_sequence_numbers:FALSE',
      '-o',
      'tcp.check_checksum:TRUE',
      '-o',
      'ip.check_checksum:TRUE',
      '-T',
      'fields',
      '-E',
      'occurrence=f',
      '-E',
      'separator=/t',
      ...FIELDS.flatMap((f) => ['-e', f]),
    ],
    { encoding: 'utf8' },
  )
  const stderr = out.stderr
    .split('\n')
    .filter((l) => l.trim() !== '' && !ROOT_NOTICE.test(l.trim()))
  const rows = out.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const cells = line.split('\t')
      return Object.fromEntries(FIELDS.map((f, i) => [f, cells[i] ?? ''])) as Row
    })
  if (out.status !== 0) stderr.push(`tshark exited with ${out.status}`)
  return { rows, stderr }
}

/** Writes the run's capture and checks what tshark reads back against the run. */
function checkCapture(result: LabResult, script: LabScript, name: string): void {
  const file = join(dir, `${name}.pcapng`)
  writeFileSync(file, runToPcapng(result, { script }))
  const { rows, stderr } = tshark(file)
  expect(stderr, 'tshark stderr').toEqual([])
  const shown = result.events.filter((e) => e.type === 'segment' || e.type === 'icmp')
  expect(rows.length, 'frames = segments + ICMP errors').toBe(shown.length)
  // Each stream's initial sequence number per direction, from its first SYN (or first frame).
  const isn = new Map<string, number>()
  shown.forEach((event, i) => {
    const row = rows[i]!
    const at = `${name} frame ${i + 1}`
    expect(row['frame.comment'], at).not.toBe('')
    expect(row['ip.checksum.status'], `${at} IP checksum`).toBe('1')
    if (event.type === 'icmp') {
      expect(row['ip.proto'], at).toBe('1')
      expect(row['icmp.type'], at).toBe('3')
      expect(row['icmp.checksum.status'], `${at} ICMP checksum`).toBe('1')
      return
    }
    expect(row['ip.proto'], at).toBe('6')
    expect(row['tcp.checksum.status'], `${at} TCP checksum`).toBe('1')
    expect(flagNames(Number(row['tcp.flags'])), `${at} flags`).toEqual(sorted(event.flags))
    expect(Number(row['tcp.len']), `${at} len`).toBe(event.len)
    const key = `${row['tcp.stream']}/${event.dir}`
    const back = `${row['tcp.stream']}/${event.dir === 'c2s' ? 's2c' : 'c2s'}`
    const seq = Number(row['tcp.seq'])
    if (event.flags.includes('SYN') || !isn.has(key)) isn.set(key, seq - event.seq)
    if (event.seqKnown !== false) {
      expect(mod32(seq - isn.get(key)!), `${at} seq`).toBe(event.seq)
      if (event.flags.includes('ACK') && isn.has(back))
        expect(mod32(Number(row['tcp.ack']) - isn.get(back)!), `${at} ack`).toBe(event.ack)
    }
    // Wireshark's own analysis marks a retransmission exactly where the app says one.
    const marked =
      row['tcp.analysis.retransmission'] !== '' ||
      row['tcp.analysis.fast_retransmission'] !== '' ||
      row['tcp.analysis.spurious_retransmission'] !== ''
    expect(marked, `${at}: retransmission mark`).toBe(event.retransmit === true && size(event) > 0)
  })
  const rsts = shown.filter((e) => e.type === 'segment' && e.flags.includes('RST')).length
  expect(
    rows.filter((r) => r['ip.proto'] === '6' && (Number(r['tcp.flags']) & 0x04) !== 0).length,
    'RST frames',
  ).toBe(rsts)
  expect(rows.filter((r) => r['icmp.type'] === '3').length, 'ICMP frames').toBe(
    shown.filter((e) => e.type === 'icmp').length,
  )
}

function flagNames(bits: number): string[] {
  return sorted(
    (Object.keys(TCP_FLAG_BITS) as (keyof typeof TCP_FLAG_BITS)[]).filter(
      (f) => (bits & TCP_FLAG_BITS[f]) !== 0,
    ),
  )
}
const sorted = (list: readonly string[]): string[] => [...list].sort()
const mod32 = (n: number): number => ((n % 2 ** 32) + 2 ** 32) % 2 ** 32
const size = (e: SegmentEvent): number =>
  e.len + (e.flags.includes('SYN') ? 1 : 0) + (e.flags.includes('FIN') ? 1 : 0)

const ids = CATALOG.map((c) => c.script.id)

describe.skipIf(!hasTshark)('pcapng export read back by tshark: simulator (linux)', () => {
  it.each(ids)('%s', async (id) => {
    const script = { ...scenarioScript(id)!, profile: 'linux' as const }
    const run = await runScript(script, simBackend, {})
    if (!run.ok) throw new Error(run.error.message)
    checkCapture(run.value, script, `${id}-sim`)
  })
})

const probe = hasTshark ? await probeKernel() : undefined
/** The kernel cases checked by default: refused, ICMP, a lost SYN, RST, the middlebox, a cut. */
const KERNEL_FEW = [
  'connect.refused',
  'connect.unreachable',
  'handshake.syn-lost',
  'peer.crash-rst',
  'send.nat-ack',
  'send.partition',
]
// Each kernel run takes seconds: a few by default, every case the kernel lab can run with
// SOCKLAB_PCAP_KERNEL=all.
const kernelIds =
  process.env.SOCKLAB_PCAP_KERNEL === 'all'
    ? CATALOG.filter((c) => c.backends.includes('kernel')).map((c) => c.script.id!)
    : KERNEL_FEW
const slot = limiter(3)

describe.skipIf(!hasTshark || !probe?.available)(
  `pcapng export read back by tshark: kernel lab (${probe?.detail ?? ''})`,
  () => {
    it.concurrent.each(kernelIds)(
      '%s',
      async (id) => {
        const script = scenarioScript(id)!
        if (await kernelBackend.unsupported(script)) return
        const run = await slot(() => runScript(script, kernelBackend, {}))
        if (!run.ok) throw new Error(run.error.message)
        checkCapture(run.value, script, `${id}-kernel`)
      },
      120_000,
    )
  },
)

if (!hasTshark)
  describe('pcapng export read back by tshark', () => {
    it.skip('skipped: tshark is not installed (apt-get install tshark; .ci/run installs it)', () => {})
  })
