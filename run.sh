#!/usr/bin/env bash
# Builds DTM and runs the main job on the embedded default: a standalone server node (embedded
# Derby) with the dtm-demo feature (demo pool, enrolled demo device, and a local agent that
# establishes a tunnel over three emulated links: 5G 20 ms, LTE 40 ms, satellite 600 ms round trip,
# 50 % loss each way). The distribution itself boots no demo: this script adds dtm-demo to the
# features of the first start.
# Prints the "tunnel established" line, then keeps the node running with its shell reachable
# until Ctrl-C (or SIGTERM). Works with no terminal attached.
#
#   DTM_SKIP_BUILD=1  reuse the last build
#   DTM_EXIT=1        stop the node after the tunnel is established (for scripts)
#   DTM_HOME=dir      where the node runs (default: ./run/dtm-node, recreated on every run)
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
home=${DTM_HOME:-$root/run/dtm-node}

if [[ "${DTM_SKIP_BUILD:-0}" != 1 ]]; then
    echo "dtm: building (mvn package, tests skipped; run ./test.sh for the tests)..."
    mvn -B -q -Dstyle.color=never -DskipTests package
fi
dist=$(ls "$root"/karaf-assembly/target/dtm-*.tar.gz 2>/dev/null | head -1 || true)
[[ -n "$dist" ]] || { echo "dtm: no distribution under karaf-assembly/target; build failed?" >&2; exit 1; }

echo "dtm: fresh node in $home"
rm -rf "$home" && mkdir -p "$home"
tar -xzf "$dist" -C "$home" --strip-components=1
# the demo: booted at the node's first start, as a second stage (after the node's own features, whose
# configurations are loaded from etc/ by then)
sed -i 's/^\(featuresBoot *= *[^\\]*[^\\ ]\) *$/\1, (dtm-demo)/' "$home/etc/org.apache.karaf.features.cfg"
grep -q '^featuresBoot *=.*dtm-demo' "$home/etc/org.apache.karaf.features.cfg" \
    || { echo "dtm: cannot add dtm-demo to featuresBoot in $home/etc/org.apache.karaf.features.cfg" >&2; exit 1; }
# dtm-demo appends these settings of the agent where they are missing; written here before the
# first start, Karaf has nothing to append (appending rewrites a file that Karaf's file watcher may
# be writing at the same moment). Its pool and device come in a file of their own, net.dtm.bootstrap.
printf '%s\n' 'device.id = smr-demo-1' 'device.key.file = ${karaf.etc}/dtm-keys/smr-demo-1.key' \
    'servers = 127.0.0.1:47800' 'tunnel.type = vxlan' 'pool =' >> "$home/etc/net.dtm.agent.cfg"

log="$home/data/log/karaf.log"
"$home/bin/karaf" server </dev/null >"$home/console.out" 2>&1 &
karaf_pid=$!
stop_node() {
    trap - INT TERM EXIT
    if kill -0 "$karaf_pid" 2>/dev/null; then
        echo "dtm: stopping the node..."
        "$home/bin/stop" >/dev/null 2>&1 || kill "$karaf_pid" 2>/dev/null || true
        wait "$karaf_pid" 2>/dev/null || true
    fi
}
trap stop_node INT TERM EXIT

echo "dtm: node starting (pid $karaf_pid); waiting for the agent's tunnel (up to 180 s)..."
mkdir -p "$(dirname "$log")"; touch "$log"
line=$(timeout 180 tail -n +1 -F "$log" 2>/dev/null | grep -m1 -o 'tunnel established: .*' || true)
if [[ -z "$line" ]]; then
    echo "dtm: no tunnel within 180 s; see $log" >&2
    exit 1
fi
echo "$line"

creds="$home/etc/dtm-operator.credentials"
echo "dtm: operator credentials: $creds"
echo "dtm: shell: $home/bin/client -u admin -p \"\$(sed -n 's/^password=//p' $creds)\"   (SSH on 127.0.0.1, port in $home/etc/org.apache.karaf.shell.cfg)"
# an admin API key for the HTTP API (REST, dashboard), kept in a mode-600 file: the shell prints it once
keyfile="$home/etc/dtm-api-key.run"
key=$(printf 'apikey:create --role admin --label run.sh\n' \
        | "$home/bin/client" -u admin -p "$(sed -n 's/^password=//p' "$creds")" -b 2>/dev/null \
        | grep -o 'dtmak1-[A-Za-z0-9_-]*' | head -1 || true)
if [[ -n "$key" ]]; then
    (umask 077 && printf '%s\n' "$key" > "$keyfile")
    echo "dtm: HTTP on http://127.0.0.1:8181: dashboard /dashboard/, /metrics, /health/ready, REST /api/v1/ (admin API key in $keyfile)"
else
    echo "dtm: HTTP on http://127.0.0.1:8181 (no API key made: run apikey:create --role admin in the shell)" >&2
fi
if [[ "${DTM_EXIT:-0}" == 1 ]]; then
    exit 0
fi
echo "dtm: node running; Ctrl-C stops it"
wait "$karaf_pid"
