"""A naive server: accept one client, read its request until the client closes its side,
reply with the request's size, print it.

No timeout and no error handling: a client that never sends keeps it waiting forever, and a
client that resets the connection crashes it (and with it, every client that comes after).
Run it in the lab:
    npm run --silent socklab -- run accept.reset --backend kernel --server -- \
        python3 examples/python/naive_server.py {host} {port}
"""
import socket
import sys

host, port = sys.argv[1], int(sys.argv[2])
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind((host, port))
listener.listen()
conn, peer = listener.accept()
total = 0
while True:
    data = conn.recv(4096)
    if not data:
        break
    total += len(data)
conn.sendall(f"got {total} bytes\n".encode())
print(f"client sent {total} bytes")
conn.close()
