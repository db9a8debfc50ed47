#!/usr/bin/env bash
# Flood benchmark (issue 14, target 1): a standalone node (ServerNode, embedded Derby in a temporary
# folder) on 127.0.0.1, real agents establishing from 127.0.200.x, and a flood of well-formed request
# headers from spoofed 127.x.y.z sources through a raw socket. Root only (raw socket); loopback only;
# every phase bounded in time and count; the temporary folder is removed at the end.
# Phases: baseline, random sources and device ids, unknown device ids, one source. Ends with
#   flood: sent=N heap_growth_mb=H p99_ratio=R unknown_store_reads=U
# Options go to the program: --phase-seconds S (default 60; e.g. 10 for a smoke run), --rate R
# (default 30000), --agents N, --unknown-ids K; --soak runs the soak instead (see run-soak.sh).
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
    echo "run-flood.sh: spoofing source addresses needs a raw socket: run as root" >&2
    exit 2
fi
if ! command -v gcc >/dev/null; then
    echo "run-flood.sh: the raw-socket sender is C: install gcc first (apt-get install -y gcc)" >&2
    exit 2
fi
cd "$(dirname "$0")/.."
. benchmarks/build-classpath.sh
bench_build run-flood.sh
gcc -O2 -Wall -o benchmarks/target/flood benchmarks/src/main/c/flood.c
exec java -Xmx${FLOOD_HEAP:-2g} -cp "$BENCH_CLASSPATH" net.dtm.benchmark.flood.FloodBenchmark \
    --flood benchmarks/target/flood "$@"
