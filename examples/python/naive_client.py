"""A naive client: connect, wait for the server's greeting, print it.

It trusts the network: no timeout, no retry, no error handling. Run it in the lab:
    npm run --silent socklab -- run peer.crash-rst --backend kernel --client -- \
        python3 examples/python/naive_client.py {host} {port}
"""
import socket
import sys

host, port = sys.argv[1], int(sys.argv[2])
sock = socket.create_connection((host, port))
greeting = sock.recv(1024)
print("server said:", greeting.decode(errors="replace"))
sock.close()
