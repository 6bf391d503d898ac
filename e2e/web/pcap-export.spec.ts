/**
 * Export → Capture (pcapng) in browser mode (docs/pcap-export.md): the download is a pcapng file
 * that tshark reads without a word on stderr, with one frame per segment and ICMP error of the
 * run (connect.unreachable: SYNs rejected, each answered by ICMP host unreachable), each frame
 * commented, in the UI's language. Skips with one line where tshark is not installed.
 */
import { spawnSync } from 'node:child_process'
import { expect, test } from '@playwright/test'
import { LabPage } from './pages/lab-page'

const hasTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0
/** tshark's own notice when run as root: about tshark, not about the file. */
const ROOT_NOTICE = /^Running as user "root" and group "root"\. This could be dangerous\.$/

function tshark(file: string, fields: string[]): { rows: string[][]; stderr: string[] } {
  const out = spawnSync(
    'tshark',
    ['-r', file, '-T', 'fields', '-E', 'occurrence=f', ...fields.flatMap((f) => ['-e', f])],
    { encoding: 'utf8' },
  )
  return {
    rows: out.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split('\t')),
    stderr: out.stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !ROOT_NOTICE.test(l)),
  }
}

test.skip(!hasTshark, 'tshark is not installed (apt-get install tshark; .ci/run installs it)')

for (const lang of ['en', 'zh'] as const)
  test(`exports the run as a pcapng capture tshark reads (${lang})`, async ({ page }, info) => {
    await page.addInitScript((language) => {
      localStorage.setItem('sal.language', language)
    }, lang)
    const lab = new LabPage(page)
    await lab.goto('connect.unreachable')
    await lab.chooseBackend('sim')
    await lab.run()
    const button = page.getByTestId('export-pcap')
    await expect(button).toBeEnabled()
    await expect(button).toHaveText(lang === 'zh' ? '抓包（pcapng）' : 'Capture (pcapng)')
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()])
    expect(download.suggestedFilename()).toBe('connect.unreachable-sim-linux.pcapng')
    const path = info.outputPath(download.suggestedFilename())
    await download.saveAs(path)
    const { rows, stderr } = tshark(path, [
      'frame.protocols',
      'tcp.flags.str',
      'icmp.type',
      'icmp.code',
      'frame.comment',
    ])
    expect(stderr).toEqual([])
    // The SYN and its retransmission, each rejected and answered by ICMP host unreachable (an
    // ICMP frame's protocols end in the TCP header it quotes: ip:icmp:ip:tcp).
    const kinds = rows.map((r) => (r[0]!.includes(':icmp') ? `icmp ${r[2]}/${r[3]}` : 'tcp'))
    expect(kinds).toEqual(['tcp', 'icmp 3/1', 'tcp', 'icmp 3/1'])
    expect(rows.filter((r) => !r[0]!.includes(':icmp')).map((r) => r[1])).toEqual([
      '··········S·',
      '··········S·',
    ])
    const comments = rows.map((r) => r[4]!)
    expect(comments.every((c) => c !== '')).toBe(true)
    expect(comments[0]).toContain(
      lang === 'zh' ? '被第 1 步（reject host-unreachable c2s）拒绝' : 'rejected by step 1',
    )
    expect(comments[2]).toContain(lang === 'zh' ? '重传' : 'retransmission')
  })
