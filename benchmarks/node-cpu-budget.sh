#!/usr/bin/env bash
# Gives every DTM node JVM of a running benchmark (the test kit's ClusterNode processes started by
# process PARENT, the benchmark's JVM) a CPU budget of its own, as if each node had a machine of its
# own, while the ZooKeeper peers and the load client share the rest of the box: each node goes into
# its own cgroup (cgroup v1 "cpu" controller or cgroup v2) with a CFS quota of CPUS cores. A node
# restarted by the benchmark gets its budget again. Runs until PARENT ends or it is stopped (TERM or
# INT), then removes the cgroups it made, printing how often each node was throttled. Needs root.
# run-cluster.sh starts it when DTM_NODE_CPUS is set.
# usage: node-cpu-budget.sh CPUS PARENT   (CPUS e.g. 0.35: a third of a core per node)
#        node-cpu-budget.sh --check CPUS  (checks CPUS and the cgroup controller; changes nothing)
set -euo pipefail
check=false
if [[ "${1:-}" == --check ]]; then
    check=true
    shift
fi
cpus=${1:-} parent=${2:-}
if [[ ! "$cpus" =~ ^[0-9]+(\.[0-9]+)?$ ]] || [[ "$(awk -v c="$cpus" 'BEGIN { print (c >= 0.01) }')" != 1 ]]; then
    echo "node-cpu-budget.sh: CPUS must be a number of cores of at least 0.01, got '$cpus'" >&2
    exit 2
fi
if ! $check && { [[ ! "$parent" =~ ^[0-9]+$ ]] || ! kill -0 "$parent" 2>/dev/null; }; then
    echo "node-cpu-budget.sh: PARENT must be the pid of a running process, got '$parent'" >&2
    exit 2
fi
period=100000
quota=$(awk -v c="$cpus" -v p=$period 'BEGIN { printf "%d", c * p }')
if [[ -d /sys/fs/cgroup/cpu && -f /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]]; then
    root=/sys/fs/cgroup/cpu v=1
elif [[ -f /sys/fs/cgroup/cgroup.controllers ]] && grep -qw cpu /sys/fs/cgroup/cgroup.controllers; then
    root=/sys/fs/cgroup v=2
    if ! grep -qw cpu $root/cgroup.subtree_control; then
        echo "node-cpu-budget.sh: the cpu controller is not enabled for child groups of $root (as root:" \
            "echo +cpu > $root/cgroup.subtree_control)" >&2
        exit 1
    fi
else
    echo "node-cpu-budget.sh: no cgroup cpu controller found under /sys/fs/cgroup" >&2
    exit 1
fi
if [[ ! -w $root ]]; then
    echo "node-cpu-budget.sh: $root is not writable (needs root)" >&2
    exit 1
fi
if $check; then
    exit 0
fi
made=()
declare -A seen=()
# runs however the script ends (the parent gone, TERM or INT, or a failed step under set -e), keeping
# its exit status, so no group is left behind
cleanup() {
    local status=$?
    trap - EXIT
    set +e # every group gets its try
    for g in "${made[@]}"; do
        echo "node-cpu-budget: $(basename "$g"): $(grep -E '^nr_(periods|throttled) ' "$g/cpu.stat" | tr '\n' ' ')" >&2
        # a node still running goes back to the root group, so its group can be removed
        while read -r p; do echo "$p" > "$root/cgroup.procs" 2>/dev/null; done < "$g/cgroup.procs"
        rmdir "$g" 2>/dev/null || echo "node-cpu-budget: could not remove $g" >&2
    done
    exit "$status"
}
trap cleanup EXIT
trap 'exit 0' TERM INT
while kill -0 "$parent" 2>/dev/null; do
    for p in $(pgrep -P "$parent" -f 'net.dtm.testkit.cluster.ClusterNode' || true); do
        # a node may end between pgrep and here (the benchmark kills one): then it is skipped
        id=$( { tr '\0' '\n' < "/proc/$p/cmdline"; } 2>/dev/null | sed -n 's/^node\.id=//p' | head -1) || continue
        [[ "$id" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || continue # a name for a directory, nothing else
        g=$root/dtm-bench-$id
        if [[ -z "${seen[$id]:-}" ]]; then # first seen in this run: a group left by an earlier run is taken over
            seen[$id]=1
            mkdir -p "$g"
            made+=("$g")
            if [[ $v == 1 ]]; then
                echo $period > "$g/cpu.cfs_period_us"
                echo "$quota" > "$g/cpu.cfs_quota_us"
            else
                echo "$quota $period" > "$g/cpu.max"
            fi
            echo "node-cpu-budget: $id limited to $cpus cores ($g)" >&2
        fi
        grep -qx "$p" "$g/cgroup.procs" 2>/dev/null || echo "$p" > "$g/cgroup.procs" 2>/dev/null || true
    done
    sleep 0.5 & wait $!
done
