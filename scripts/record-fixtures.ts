/**
 * `npm run fixtures`: records the renderer's test fixtures again from the simulator (the runs
 * in renderer/lib/fixtures/ and the quiz proof), after a simulator rule or the catalog changed.
 * The renderer's tests may not import main/, so they read these recorded answers instead.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { scenarioScript } from '../shared/catalog/index'
import type { ProfileId } from '../shared/lab-script'
import { simulatorProof } from '../main/lab/quiz-proof'
import { simulate } from '../main/sim/index'

const dir = join(import.meta.dirname, '..', 'renderer', 'lib', 'fixtures')
const RUNS: [id: string, profile: ProfileId, file: string][] = [
  ['connect.timeout', 'linux', 'connect.timeout.json'],
  ['connect.unreachable', 'linux', 'connect.unreachable.json'],
  ['handshake.synack-lost', 'linux', 'handshake.synack-lost.json'],
  ['peer.crash-fin', 'linux', 'peer.crash-fin.json'],
  ['send.nat-ack', 'linux', 'send.nat-ack.json'],
  ['peer.host-down', 'windows', 'peer.host-down.windows.json'],
  ['connect.timeout', 'macos', 'connect.timeout.macos.json'],
  ['connect.nonblocking-refused', 'linux', 'connect.nonblocking-refused.json'],
  ['connect.nonblocking-icmp', 'linux', 'connect.nonblocking-icmp.json'],
]

for (const [id, profile, file] of RUNS) {
  const script = scenarioScript(id)
  if (!script) throw new Error(`no case ${id} in the catalog`)
  writeFileSync(join(dir, file), `${JSON.stringify(simulate({ ...script, profile }), null, 2)}\n`)
  console.log(`recorded ${file}`)
}
writeFileSync(join(dir, 'quiz-proof.json'), `${JSON.stringify(simulatorProof())}\n`)
console.log('recorded quiz-proof.json (run prettier on the folder: npm run format)')
