"""A robust server: accept one client, read its request until it closes, print the size.

What a client (or the network) can do to it, and what it does about it:
- the client sends nothing (it hangs, or its host is gone): each read waits at most 2 s, then
  the server gives up on that client instead of waiting forever;
- the client resets the connection (it aborted, or crashed): it reports ECONNRESET in words
  and keeps what it received, instead of dying with a stack trace.
It exits 0 once it has dealt with the client, whatever the client did. Run it in the lab:
    npm run --silent socklab -- run accept.reset --backend kernel --server -- \
        python3 examples/python/robust_server.py {host} {port}
"""
import errno
import socket
import sys

IDLE_S = 2.0


def serve(conn):
    total = 0
    conn.settimeout(IDLE_S)
    while True:
        try:
            data = conn.recv(4096)
        except socket.timeout:
            print(f"client idle for {IDLE_S:g} s after {total} bytes: closing the connection")
            return
        except ConnectionResetError:
            print(f"client reset the connection (ECONNRESET) after {total} bytes")
            return
        except OSError as e:
            print(f"recv failed: {errno.errorcode.get(e.errno, e.errno)} {e.strerror}")
            return
        if not data:
            print(f"client sent {total} bytes and closed the connection")
            return
        total += len(data)


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen()
    conn, peer = listener.accept()
    with conn:
        serve(conn)
    listener.close()
    return 0


sys.exit(main())
