// A robust client: connect, wait for the server's greeting, print it.
// - connect refused: 3 attempts in all, waiting longer each time, then it reports the failure;
// - a silent server host: every wait ends after 2 s ("no answer") instead of hanging;
// - a reset or closed connection: it says so, with the error's code, instead of a stack trace.
// Exit status 0 when it got a greeting, 1 otherwise. Run it in the lab:
//   npm run --silent socklab -- run peer.host-down --backend kernel --client -- \
//     node examples/node/robust_client.mjs {host} {port}
import net from 'node:net'

const ATTEMPTS = 3
const TIMEOUT_MS = 2000
const [host, port] = process.argv.slice(2)

/** One attempt: resolves with 'greeting', or with what went wrong. */
function attempt() {
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), host)
    let connected = false
    const done = (outcome) => {
      socket.destroy()
      resolve(outcome)
    }
    // setTimeout() only tells us nothing happened for 2 s; ending the attempt is our job.
    socket.setTimeout(TIMEOUT_MS, () => done(connected ? 'silent' : 'connect-timeout'))
    socket.once('connect', () => (connected = true))
    socket.once('data', (data) => {
      console.log('server said:', data.toString())
      done('greeting')
    })
    socket.once('end', () => done('closed'))
    // Without an 'error' listener Node throws the error and the program dies with a stack trace.
    socket.once('error', (error) => done(error.code ?? String(error)))
  })
}

async function main() {
  for (let n = 1; n <= ATTEMPTS; n++) {
    const outcome = await attempt()
    if (outcome === 'greeting') return 0
    if (outcome === 'ECONNREFUSED' || outcome === 'connect-timeout') {
      const what = outcome === 'ECONNREFUSED' ? 'connection refused' : 'no answer to connect'
      console.log(`${what} (attempt ${n} of ${ATTEMPTS})`)
      // Back off: wait a little longer before each new attempt.
      if (n < ATTEMPTS) await new Promise((r) => setTimeout(r, 200 * n))
      continue
    }
    if (outcome === 'silent')
      console.log(
        `error: no answer from the server within ${TIMEOUT_MS / 1000} s (is its host down?)`,
      )
    else if (outcome === 'ECONNRESET')
      console.log('error: the server reset the connection (ECONNRESET): it crashed or aborted')
    else if (outcome === 'closed')
      console.log('error: the server closed the connection without a greeting')
    else console.log(`error: ${outcome}`)
    return 1
  }
  console.log(`error: the server refused or did not answer ${ATTEMPTS} connection attempts`)
  return 1
}

process.exitCode = await main()
