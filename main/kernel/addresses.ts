/**
 * Where each program of a kernel run lives. All of them share the namespace's loopback, but a
 * further client (lab script version 2: `client2`...) has an address of its own, 127.0.0.N,
 * so its segments and sockets are told apart from the first client's by address, from the
 * first SYN on (a port is known only once connect() returns, which a connect waiting in SYN
 * retransmission never does). The server and the first client use 127.0.0.1, as in version 1.
 */
import type { ClientActor, ExtraClient } from '../../shared/lab-script'

/** The last byte of a client's address: 1 for `client`, N for `clientN`. */
export function clientOctet(actor: ClientActor): number {
  return actor === 'client' ? 1 : Number(actor.slice('client'.length))
}

/** A client's loopback address (`127.0.0.2` for `client2`). */
export function clientAddr(actor: ClientActor): string {
  return `127.0.0.${clientOctet(actor)}`
}

/** The further client at 127.0.0.N, or undefined for 127.0.0.1 (the first client) and others. */
export function extraClientAt(octet: number): ExtraClient | undefined {
  return octet >= 2 && octet <= 4 ? (`client${octet}` as ExtraClient) : undefined
}

/** The last byte of a dotted IPv4 address (`127.0.0.2` -> 2); 1 when it cannot be read. */
export function lastOctet(addr: string): number {
  const n = Number(addr.split('.')[3])
  return Number.isInteger(n) ? n : 1
}
