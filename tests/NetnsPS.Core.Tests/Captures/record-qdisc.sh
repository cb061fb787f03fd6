#!/bin/sh
# Records the rtnetlink requests that iproute2's tc sends for the qdiscs the parser tests compare with
# (run as root from the repo root; needs strace and python3). Each capture is one line:
#   <tc arguments after 'dev X root'> | <nlmsg_type> | <nlmsg_flags> | <payload after nlmsghdr, hex>
# netem requests fail on a kernel without sch_netem, but tc has sent them by then: the bytes are what matters.
set -e
out=tests/NetnsPS.Core.Tests/Captures/qdisc-requests.txt
ip netns add nnqcap
trap 'ip netns delete nnqcap' EXIT
ip -n nnqcap link add qcap0 type veth peer name qcap1
echo "# $(tc -V) on $(uname -r); ifindex of qcap1 in nnqcap: $(ip -n nnqcap -o link show qcap1 | cut -d: -f1)" > "$out"
while read -r args; do
  python3 - "$args" >> "$out" <<'PY'
import re, subprocess, sys
args = sys.argv[1]
p = subprocess.run(['strace', '-f', '-e', 'trace=sendmsg', '-xx', '-s', '65536', 'ip', 'netns', 'exec', 'nnqcap', 'tc', 'qdisc', 'add', 'dev', 'qcap1', 'root'] + args.split(),
                   capture_output=True, text=True)
for line in p.stderr.splitlines():
    m = re.search(r'nlmsg_type=(0x[0-9a-f]+|\w+)[^,]*, nlmsg_flags=([^,]*), .*?\}, "((?:\\x[0-9a-f]{2})*)"', line)
    if m and m.group(1) == '0x24':
        print(f"{args} | {m.group(1)} | {m.group(2)} | {m.group(3).replace(chr(92) + 'x', '')}")
PY
  ip netns exec nnqcap tc qdisc del dev qcap1 root 2>/dev/null || true
done <<'ARGS'
tbf rate 10mbit burst 32kbit latency 400ms
tbf rate 1mbit burst 10kb limit 30000
tbf rate 40gbit burst 1mb latency 10ms
netem delay 100ms 10ms loss 1% corrupt 0.5%
netem delay 20ms
netem loss 5% limit 500
netem delay 50ms rate 10mbit
netem delay 1s rate 40gbit corrupt 100%
ARGS
cat "$out"
