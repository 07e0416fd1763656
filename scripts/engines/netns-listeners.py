#!/usr/bin/env python3
"""TCP listeners for the iptables engine test (run inside a private network namespace).

Usage: netns-listeners.py NAME@IP:PORT...

Binds every listener, prints "ready" once all are bound, then answers each
connection with one line, "NAME via IP:PORT", where IP:PORT is the
destination the client asked for: the original destination when the
connection was redirected by NAT (SO_ORIGINAL_DST, what Envoy sees), else the
listener's own address.
"""
import selectors
import socket
import struct
import sys

SO_ORIGINAL_DST = 80  # linux/netfilter_ipv4.h


def original_destination(conn: socket.socket) -> str:
    try:
        raw = conn.getsockopt(socket.SOL_IP, SO_ORIGINAL_DST, 16)
        port, packed = struct.unpack_from('!2xH4s', raw)
        return f'{socket.inet_ntoa(packed)}:{port}'
    except OSError:
        host, port = conn.getsockname()[:2]
        return f'{host}:{port}'


def main(specs: list[str]) -> None:
    selector = selectors.DefaultSelector()
    for spec in specs:
        name, _, address = spec.partition('@')
        host, _, port = address.rpartition(':')
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, int(port)))
        listener.listen(16)
        selector.register(listener, selectors.EVENT_READ, name)
    print('ready', flush=True)
    while True:
        for key, _ in selector.select():
            conn, _ = key.fileobj.accept()
            with conn:
                conn.sendall(f'{key.data} via {original_destination(conn)}\n'.encode())


if __name__ == '__main__':
    main(sys.argv[1:])
