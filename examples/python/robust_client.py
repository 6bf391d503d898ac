"""A robust client: connect, wait for the server's greeting, print it.

What the network can do to it, and what it does about it:
- connect() refused (nothing listens yet): it retries, 3 attempts in all, waiting longer each
  time, then reports the failure;
- the server's host is silent (down, or a firewall drops everything): every wait has a
  timeout, so it reports "no answer" instead of hanging;
- the connection is reset (the server crashed, its OS answered with RST) or closed: it says
  so in words, with the errno, instead of a stack trace.
It exits 0 when it got a greeting, 1 otherwise. Run it in the lab:
    npm run --silent socklab -- run peer.host-down --backend kernel --client -- \
        python3 examples/python/robust_client.py {host} {port}
"""
import errno
import socket
import sys
import time

ATTEMPTS = 3
TIMEOUT_S = 2.0


def connect(host, port):
    for attempt in range(1, ATTEMPTS + 1):
        try:
            # timeout: connect() and every later recv() on this socket wait at most 2 s.
            return socket.create_connection((host, port), timeout=TIMEOUT_S)
        except ConnectionRefusedError:
            print(f"connection refused (attempt {attempt} of {ATTEMPTS})", flush=True)
        except socket.timeout:
            print(f"no answer to connect (attempt {attempt} of {ATTEMPTS})", flush=True)
        except OSError as e:
            print(f"connect failed: {errno.errorcode.get(e.errno, e.errno)} {e.strerror}")
            return None
        if attempt < ATTEMPTS:
            time.sleep(0.2 * attempt)  # back off: wait a little longer before each new attempt
    return None


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    sock = connect(host, port)
    if sock is None:
        print(f"error: the server refused or did not answer {ATTEMPTS} connection attempts")
        return 1
    with sock:
        try:
            greeting = sock.recv(1024)
        except socket.timeout:
            print(f"error: no answer from the server within {TIMEOUT_S:g} s (is its host down?)")
            return 1
        except ConnectionResetError:
            print("error: the server reset the connection (ECONNRESET): it crashed or aborted")
            return 1
        except OSError as e:
            print(f"error: recv failed: {errno.errorcode.get(e.errno, e.errno)} {e.strerror}")
            return 1
        if not greeting:  # b"": the server closed the connection (FIN) before saying anything
            print("error: the server closed the connection without a greeting")
            return 1
        print("server said:", greeting.decode(errors="replace"))
        return 0


sys.exit(main())
