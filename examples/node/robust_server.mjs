// A robust server: serves clients; reads each one's request until the client closes its side,
// then replies with the request's size.
// - a client that sends nothing (it hangs, or its host is gone): after 2 s without any
//   traffic it gives up on that client instead of waiting forever;
// - a client that resets the connection (ECONNRESET), or is gone before the reply (EPIPE):
//   Node reports both as an 'error' event on the socket (it ignores SIGPIPE); with a handler
//   the server says what happened, without one Node would throw and end the whole server;
// - whatever one client did, it goes on accepting the next one.
// It stops when no client came for 1 s (so that the lab can grade it: a real server would
// run until it is told to stop) and exits 0; 1 only when it cannot listen at all.
// Run it in the lab:
//   npm run --silent socklab -- run accept.reset --backend kernel --server -- \
//     node examples/node/robust_server.mjs {host} {port}
import net from 'node:net'

const IDLE_MS = 2000 // how long one client may keep us waiting
const NEXT_CLIENT_MS = 1000 // how long we wait for the next client before we stop
const [host, port] = process.argv.slice(2)

let served = 0
let open = 0
let stopTimer

// allowHalfOpen: when the client closes its side ('end'), ours stays open for the reply.
const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  served++
  open++
  clearTimeout(stopTimer)
  let total = 0
  let outcome = null // what happened to this client, said once when its socket closes

  // setTimeout() only tells us the connection was idle for 2 s; closing it is our job.
  socket.setTimeout(IDLE_MS, () => {
    outcome = `client idle for ${IDLE_MS / 1000} s after ${total} bytes: closing the connection`
    socket.destroy()
  })
  socket.on('data', (data) => (total += data.length))
  socket.on('end', () => {
    // The request is complete: reply, then close our side (end() does both).
    socket.end(`got ${total} bytes\n`, (error) => {
      if (!error) outcome ??= `client sent ${total} bytes; replied`
    })
  })
  socket.on('error', (error) => {
    if (error.code === 'ECONNRESET')
      outcome = `client reset the connection (ECONNRESET) after ${total} bytes`
    else outcome = `connection failed after ${total} bytes: ${error.code ?? error.message}`
  })
  socket.on('close', () => {
    console.log(outcome ?? `client went away after ${total} bytes`)
    if (--open === 0) waitForNextClient()
  })
})

function waitForNextClient() {
  stopTimer = setTimeout(() => {
    console.log(`no new client for ${NEXT_CLIENT_MS / 1000} s after ${served} client(s): stopping`)
    server.close() // no more accepting; Node exits once nothing is left to wait for
  }, NEXT_CLIENT_MS)
}

server.on('error', (error) => {
  console.log(`error: cannot listen on ${host}:${port}: ${error.code ?? error.message}`)
  process.exitCode = 1
})
server.listen(Number(port), host, waitForNextClient)
