// A naive server: accept one client, read its request until the client closes its side,
// reply with the request's size, print it.
// No 'error' handler and no timeout: a client that never sends keeps it waiting forever, and
// a client that resets the connection makes Node throw the error, which ends the whole server
// (and with it, every client that comes after). Run it in the lab:
//   npm run --silent socklab -- run accept.reset --backend kernel --server -- \
//     node examples/node/naive_server.mjs {host} {port}
import net from 'node:net'

const [host, port] = process.argv.slice(2)
const server = net.createServer((socket) => {
  server.close() // one client only
  let total = 0
  socket.on('data', (data) => (total += data.length))
  socket.on('end', () => {
    socket.end(`got ${total} bytes\n`)
    console.log(`client sent ${total} bytes`)
  })
})
server.listen(Number(port), host)
