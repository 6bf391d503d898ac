/**
 * Where a live class listens and which join URLs the teacher shows (docs/live-class.md).
 * `local` (the default) is 127.0.0.1: only this computer, for trying a class out and for the
 * tests. `room` is the teacher's opt-in to the room's network: every IPv4 address of the
 * machine (0.0.0.0), or one interface's address the teacher picked.
 */
import { networkInterfaces } from 'node:os'
import type { RoomAddress } from '../../shared/contract'

export type { RoomAddress }

/** The machine's IPv4 addresses other machines can reach (not loopback), by interface. */
export function roomAddresses(
  interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces(),
): RoomAddress[] {
  return Object.entries(interfaces).flatMap(([name, list]) =>
    (list ?? [])
      .filter((i) => i.family === 'IPv4' && !i.internal)
      .map((i) => ({ name, address: i.address })),
  )
}

/** The teacher's network choice. */
export interface NetworkChoice {
  network: 'local' | 'room'
  /** room only: one of {@link roomAddresses}; every one when absent. */
  address?: string
}

/** The address to bind, or why the choice cannot be used. */
export function bindAddress(
  choice: NetworkChoice,
  addresses: readonly RoomAddress[] = roomAddresses(),
): { host: string } | { problem: string } {
  if (choice.network === 'local') {
    if (choice.address !== undefined)
      return { problem: 'An address goes with the room network, not with "this computer only".' }
    return { host: '127.0.0.1' }
  }
  if (choice.address === undefined) return { host: '0.0.0.0' }
  if (addresses.some((a) => a.address === choice.address)) return { host: choice.address }
  const known = addresses.map((a) => `${a.address} (${a.name})`).join(', ') || 'none'
  return {
    problem: `${choice.address} is not an address of this computer; its addresses are: ${known}.`,
  }
}

/** The join URLs for a listener: what students type or scan. */
export function joinUrls(
  host: string,
  port: number,
  code: string,
  addresses: readonly RoomAddress[] = roomAddresses(),
): string[] {
  const hosts = host === '0.0.0.0' ? addresses.map((a) => a.address) : [host]
  // Bound to every address but none found (no network): this computer can still join.
  const list = hosts.length > 0 ? hosts : ['127.0.0.1']
  return list.map((h) => `http://${h}:${port}/${code}`)
}
