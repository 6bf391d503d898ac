// A naive client: connect, wait for the server's greeting, print it.
// No error handler, no timeout, no retry. Run it in the lab:
//   npm run --silent socklab -- run peer.crash-rst --backend kernel --client -- \
//     node examples/node/naive_client.mjs {host} {port}
import net from 'node:net'

const [host, port] = process.argv.slice(2)
const socket = net.connect(Number(port), host)
socket.on('data', (data) => {
  console.log('server said:', data.toString())
  socket.end()
})
