#!/usr/bin/python3
"""pyroute2 anchors for the NetnsPS benchmarks. Prints the elapsed milliseconds of the measured work only
(measured inside Python, so the interpreter's start and pyroute2's import are not counted).

  pyroute2_anchor.py add PREFIX COUNT      netns.create(PREFIX0..PREFIX{COUNT-1})
  pyroute2_anchor.py del PREFIX COUNT      netns.remove(...)
  pyroute2_anchor.py list ROUNDS           median of ROUNDS x (netns.listnetns() + the nsid of each, as ip netns list)
  pyroute2_anchor.py addr NAMESFILE        links + addresses of every namespace named in NAMESFILE (one per line)
  pyroute2_anchor.py inproc NAME CALLS     CALLS x (pushns(NAME); popns()): entering and leaving in-process
"""
import os
import statistics
import sys
import time

from pyroute2 import IPRoute, NetNS, netns


def ms(t0):
    return (time.perf_counter() - t0) * 1000


def main():
    op = sys.argv[1]
    if op in ('add', 'del'):
        prefix, count = sys.argv[2], int(sys.argv[3])
        f = netns.create if op == 'add' else netns.remove
        t0 = time.perf_counter()
        for i in range(count):
            f(f'{prefix}{i}')
        print(f'{ms(t0):.3f}')
    elif op == 'list':
        rounds = int(sys.argv[2])
        times = []
        with IPRoute() as ipr:
            for _ in range(rounds):
                t0 = time.perf_counter()
                for name in netns.listnetns():
                    fd = os.open(f'/run/netns/{name}', os.O_RDONLY)
                    try:
                        ipr.get_netnsid(fd=fd)
                    finally:
                        os.close(fd)
                times.append(ms(t0))
        print(f'{statistics.median(times):.3f}')
    elif op == 'addr':
        with open(sys.argv[2]) as fh:
            names = [n.strip() for n in fh if n.strip()]
        t0 = time.perf_counter()
        n = 0
        for name in names:
            with NetNS(name) as ns:
                n += len(ns.get_links()) + len(ns.get_addr())
        print(f'{ms(t0):.3f}')
    elif op == 'inproc':
        name, calls = sys.argv[2], int(sys.argv[3])
        t0 = time.perf_counter()
        for _ in range(calls):
            netns.pushns(name)
            netns.popns()
        print(f'{ms(t0):.3f}')
    else:
        sys.exit(f'unknown operation {op}')


if __name__ == '__main__':
    main()
