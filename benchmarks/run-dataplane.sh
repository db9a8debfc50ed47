#!/usr/bin/env bash
# Data-plane benchmark (issue 11): the shipped server and agent distributions, each in its own network
# namespace, three veth links between them with nftables dropping 40 % of the control datagrams (UDP
# 47800) each way on every link; the server is the tunnel gateway. The same set-up as the system test
# systests/.../DataPlaneIT (net.dtm.testkit.dataplane.DataPlaneLab). Prints exactly one line:
#
#   dataplane: type=vxlan probes=N lost=M gap_ms=G rollback=ok|failed
#
# probes/lost: pings through the tunnel with every link up, both ways; gap_ms: the longest time without
# an echo reply (pings every 50 ms, either way) after the link carrying the tunnel is taken down;
# rollback: a tunnel endpoint nothing answers on, handed out in a renewal, is rolled back by itself and
# the tunnel passes traffic again. Targets: lost=0, gap_ms <= 1000, rollback=ok. Progress goes to
# standard error; a failed run keeps both Karaf homes under benchmarks/target/dataplane. Needs root.
# Environment: LOSS (control loss %, 40), PROBES (pings per direction, 50), POLL_MS (links' poll.ms,
# 500), VERIFY_SECONDS (router's verify.timeout.seconds, 5).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $(id -u) -eq 0 ]] || { echo "run-dataplane.sh: needs root (network namespaces, nftables)" >&2; exit 2; }
. benchmarks/build-classpath.sh
bench_build run-dataplane.sh karaf-assembly,karaf-assembly-agent
server=$(ls karaf-assembly/target/dtm-karaf-*.tar.gz | head -1)
agent=$(ls karaf-assembly-agent/target/dtm-karaf-agent-*.tar.gz | head -1)
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Ddtm.distribution="$PWD/$server" -Ddtm.agent.distribution="$PWD/$agent" \
    -Ddtm.dataplane.dir="$PWD/benchmarks/target/dataplane" \
    -Ddtm.dataplane.loss="${LOSS:-40}" -Ddtm.dataplane.probes="${PROBES:-50}" \
    -Ddtm.dataplane.poll.ms="${POLL_MS:-500}" -Ddtm.dataplane.verify.seconds="${VERIFY_SECONDS:-5}" \
    -cp "$BENCH_CLASSPATH" net.dtm.benchmark.dataplane.DataPlaneBenchmark
