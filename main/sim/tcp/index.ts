/**
 * The TCP layer's public surface: everything outside main/sim/tcp/ imports from here (the
 * import test in main/sim/imports.test.ts holds it to that), so a socket's fields can only
 * be changed by the code in this folder, through TCP's rules.
 */
export { TcpStack } from './stack'
export type { ErrorWhy, PendingError, ShutdownHow, SocketHost, TcpSocket } from './socket'
