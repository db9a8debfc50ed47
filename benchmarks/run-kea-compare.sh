#!/usr/bin/env bash
# New leases per second: ISC Kea DHCPv4 (memfile) against one DTM node (durable Derby), on this
# machine, in one go. Usage: benchmarks/run-kea-compare.sh [seconds per trial, default 30]
# Documented in benchmarks/KEA.md. Needs root (network namespaces, apt-get). Environment:
#   KEA_RATES     perfdhcp rates to try in turn, exchanges/s, until one completes no more than the best so far
#                 ("2000 3000 4000 5000 6000 8000 10000 12000 16000 24000 32000")
#   KEA_MT        Kea multi-threading settings to try ("off on"; "on" = 2 threads, the core count)
#   DTM_ARGS      extra arguments for NewLeaseBenchmark (e.g. "--concurrency 64,256,1024 --workers 8")
#   DTM_FILL      the long-trial variant: after DTM's trials, fill its lease table to this many bindings
#                 (e.g. 1000000) and compare a trial there with one on an empty table (the FILL line)
#   DTM_CLASSPATH skip the Maven build and run the benchmark from this class path
#   OUT           where results and logs go (benchmarks/target/kea-compare)
# Progress lines go to stderr (at least every 10 s); writes kea-trials.csv, new-lease.csv,
# kea-compare.csv (every trial of both) and kea-compare.png to OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
SECS=${1:-30}
[[ "$SECS" =~ ^[0-9]+$ && "$SECS" -ge 5 ]] || { echo "run-kea-compare.sh: seconds must be a whole number >= 5, got '$SECS'" >&2; exit 2; }
KEA_RATES=${KEA_RATES:-"2000 3000 4000 5000 6000 8000 10000 12000 16000 24000 32000"}
KEA_MT=${KEA_MT:-"off on"}
DTM_ARGS=${DTM_ARGS:-}
DTM_FILL=${DTM_FILL:-}
[[ -z "$DTM_FILL" || "$DTM_FILL" =~ ^[0-9]+$ ]] || { echo "run-kea-compare.sh: DTM_FILL must be a whole number, got '$DTM_FILL'" >&2; exit 2; }
OUT=${OUT:-$REPO/benchmarks/target/kea-compare}
[[ $(id -u) -eq 0 ]] || { echo "run-kea-compare.sh: needs root (network namespaces, apt-get)" >&2; exit 2; }

log() { printf '[%(%H:%M:%S)T] [load %s] %s\n' -1 "$(cut -d' ' -f1-3 /proc/loadavg)" "$*" >&2; }

# a progress line every 10 s while a step of known length runs: $1 = what, $2 = its seconds, $3 = what comes after
TICKER=
ticker_start() {
    local what=$1 secs=$2 after=$3 start
    start=$(date +%s)
    ( while sleep 10; do
        now=$(( $(date +%s) - start ))
        log "$what: $now s of $secs s, about $(( secs > now ? secs - now : 0 )) s left; then $after"
      done ) &
    TICKER=$!
}
ticker_stop() {
    if [[ -n "$TICKER" ]]; then kill "$TICKER" 2>/dev/null || true; wait "$TICKER" 2>/dev/null || true; TICKER=; fi
}

# ---------------------------------------------------------------- install Kea and perfdhcp
if ! command -v kea-dhcp4 >/dev/null || ! command -v perfdhcp >/dev/null; then
    log "installing kea-dhcp4-server and kea-admin (perfdhcp)"
    export DEBIAN_FRONTEND=noninteractive
    # keep the distribution's service from starting while it is installed
    POLICY_ADDED=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && POLICY_ADDED=1
    fi
    apt-get update -qq && apt-get install -y -q kea-dhcp4-server kea-admin >/dev/null
    if [[ $POLICY_ADDED -eq 1 ]]; then rm -f /usr/sbin/policy-rc.d; fi
fi
command -v ip >/dev/null || { echo "run-kea-compare.sh: needs iproute2 (ip)" >&2; exit 2; }
# the distribution's own Kea service, if it runs, is not part of the comparison
if command -v systemctl >/dev/null && systemctl is-active --quiet kea-dhcp4-server 2>/dev/null; then
    log "stopping and disabling the distribution's kea-dhcp4-server service"
    systemctl stop kea-dhcp4-server || true
    systemctl disable kea-dhcp4-server >/dev/null 2>&1 || true
elif [[ -s /run/kea/kea-dhcp4.kea-dhcp4.pid ]] && kill -0 "$(cat /run/kea/kea-dhcp4.kea-dhcp4.pid)" 2>/dev/null; then
    log "stopping the distribution's kea-dhcp4 (pid $(cat /run/kea/kea-dhcp4.kea-dhcp4.pid))"
    kill "$(cat /run/kea/kea-dhcp4.kea-dhcp4.pid)" || true
fi

# ---------------------------------------------------------------- build DTM
if [[ -z "${DTM_CLASSPATH:-}" ]]; then
    log "building the DTM benchmark"
    . benchmarks/build-classpath.sh
    bench_build run-kea-compare.sh
    DTM_CLASSPATH=$BENCH_CLASSPATH
fi

# ---------------------------------------------------------------- namespaces, clean-up
TAG=$$
NS_S=dtmkea-s-$TAG
NS_C=dtmkea-c-$TAG
IF_S=dks$TAG
IF_C=dkc$TAG
WORK=$(mktemp -d /tmp/dtm-kea-XXXXXX)
KEA_PID=
DTM_PID=
cleanup() {
    set +e
    ticker_stop
    [[ -n "$KEA_PID" ]] && kill "$KEA_PID" 2>/dev/null && wait "$KEA_PID" 2>/dev/null
    [[ -n "$DTM_PID" ]] && kill "$DTM_PID" 2>/dev/null && wait "$DTM_PID" 2>/dev/null
    ip netns del "$NS_S" 2>/dev/null
    ip netns del "$NS_C" 2>/dev/null
    mkdir -p "$OUT" && cp "$WORK"/*.log "$WORK"/*.json "$WORK"/*.txt "$WORK"/kea-trials.csv "$WORK"/new-lease.csv "$OUT"/ 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$NS_S"
ip netns add "$NS_C"
ip link add "$IF_S" type veth peer name "$IF_C"
ip link set "$IF_S" netns "$NS_S"
ip link set "$IF_C" netns "$NS_C"
# both ends inside 10.0.0.0/8 but outside the pool: perfdhcp acts as a relay (giaddr = its address)
ip -n "$NS_S" addr add 10.255.255.1/8 dev "$IF_S"
ip -n "$NS_C" addr add 10.255.255.2/8 dev "$IF_C"
for ns in "$NS_S" "$NS_C"; do ip -n "$ns" link set lo up; done
ip -n "$NS_S" link set "$IF_S" up
ip -n "$NS_C" link set "$IF_C" up

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }   # utime + stime, 1/100 s
CLK=$(getconf CLK_TCK)

# ---------------------------------------------------------------- Kea
kea_config() { # $1 = mt on|off
    local mt=false
    [[ "$1" == on ]] && mt=true
    cat >"$WORK/kea-dhcp4.json" <<EOF
{ "Dhcp4": {
    "interfaces-config": { "interfaces": [ "$IF_S" ], "dhcp-socket-type": "udp" },
    "lease-database": { "type": "memfile", "persist": true, "name": "$WORK/kea-leases4.csv", "lfc-interval": 0 },
    "valid-lifetime": 3600,
    "multi-threading": { "enable-multi-threading": $mt, "thread-pool-size": 2, "packet-queue-size": 64 },
    "subnet4": [ { "id": 1, "subnet": "10.0.0.0/8", "pools": [ { "pool": "10.0.0.1 - 10.255.254.254" } ] } ],
    "loggers": [ { "name": "kea-dhcp4", "severity": "INFO",
                   "output_options": [ { "output": "$WORK/kea.log" } ] } ]
} }
EOF
}

kea_trial() { # $1 = mt, $2 = rate; writes "completed_per_s leases_in_file distinct cpu_pct perfdhcp_rate" to $WORK/trial.out
    local mt=$1 rate=$2
    rm -f "$WORK"/kea-leases4.csv* "$WORK/kea.log"
    kea_config "$mt"
    KEA_PIDFILE_DIR=$WORK KEA_LOCKFILE_DIR=$WORK ip netns exec "$NS_S" kea-dhcp4 -c "$WORK/kea-dhcp4.json" \
        >>"$WORK/kea-stdout.log" 2>&1 &
    KEA_PID=$!
    for _ in $(seq 100); do grep -q DHCP4_STARTED "$WORK/kea.log" 2>/dev/null && break; sleep 0.1; done
    grep -q DHCP4_STARTED "$WORK/kea.log" 2>/dev/null || { echo "kea-dhcp4 did not start; see $OUT/kea-stdout.log" >&2; return 1; }
    local c0 t0 c1 t1
    c0=$(cpu_ticks "$KEA_PID"); t0=$(date +%s.%N)
    ticker_start "Kea trial $TRIAL of at most $TRIALS_MAX (multi-threading $mt, $rate/s offered)" "$SECS" \
        "at most $((TRIALS_MAX - TRIAL)) more Kea trials of $SECS s, then the DTM run"
    # full DORA exchanges at a fixed rate from up to 16 million distinct clients; 1 s to collect late answers
    timeout $((SECS + 30)) ip netns exec "$NS_C" perfdhcp -4 -r "$rate" -R 16000000 -p "$SECS" -W 1000000 \
        -l 10.255.255.2 10.255.255.1 >"$WORK/perfdhcp-$mt-$rate.txt" 2>&1 || true
    ticker_stop
    c1=$(cpu_ticks "$KEA_PID"); t1=$(date +%s.%N)
    kill "$KEA_PID" 2>/dev/null; wait "$KEA_PID" 2>/dev/null || true
    KEA_PID=
    local acks lines distinct prate
    acks=$(awk '/Statistics for: REQUEST-ACK/{f=1} f && /received packets:/{print $3; exit}' "$WORK/perfdhcp-$mt-$rate.txt")
    prate=$(awk '/^Rate:/{print $2; exit}' "$WORK/perfdhcp-$mt-$rate.txt")
    lines=$(($(wc -l <"$WORK/kea-leases4.csv") - 1))
    distinct=$(awk -F, 'NR > 1 {print $1}' "$WORK/kea-leases4.csv" | sort -u | wc -l)
    awk -v a="${acks:-0}" -v s="$SECS" -v l="$lines" -v d="$distinct" -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" \
        -v clk="$CLK" -v pr="${prate:-0}" \
        'BEGIN { printf "%.0f %d %d %.0f %.0f\n", a / s, l, d, 100 * (c1 - c0) / clk / (t1 - t0), pr }' >"$WORK/trial.out"
}

log "Kea DHCPv4 $(kea-dhcp4 -v 2>/dev/null | head -1), memfile persist=true, ${SECS}s per trial, rates: $KEA_RATES, multi-threading: $KEA_MT"
printf '%-4s %8s %12s %12s %12s %10s %14s\n' mt rate "4way/s" "leases(file)" distinct "kea cpu%" "perfdhcp rate" | tee "$WORK/kea-trials.txt" >&2
echo "mt,offered_per_s,completed_per_s,leases_in_file,distinct_addresses,kea_cpu_percent,perfdhcp_rate" >"$WORK/kea-trials.csv"
KEA_BEST=0; KEA_BEST_DESC=
TRIAL=0
NRATES=$(wc -w <<<"$KEA_RATES")
TRIALS_MAX=$(( $(wc -w <<<"$KEA_MT") * NRATES ))
for mt in $KEA_MT; do
    best=0
    ri=0
    for rate in $KEA_RATES; do
        TRIAL=$((TRIAL + 1))
        ri=$((ri + 1))
        kea_trial "$mt" "$rate"
        read -r done_s lines distinct cpu prate <"$WORK/trial.out"
        printf '%-4s %8s %12s %12s %12s %10s %14s\n' "$mt" "$rate" "$done_s" "$lines" "$distinct" "$cpu" "$prate" \
            | tee -a "$WORK/kea-trials.txt" >&2
        echo "$mt,$rate,$done_s,$lines,$distinct,$cpu,$prate" >>"$WORK/kea-trials.csv"
        if (( done_s > KEA_BEST )); then
            KEA_BEST=$done_s
            KEA_BEST_DESC="multi-threading $mt, perfdhcp -r $rate -R 16000000 -p $SECS, $lines leases written ($distinct distinct addresses), kea cpu ${cpu}%"
        fi
        # saturated: a higher offered rate no longer completes 5 % more exchanges than the best so far
        if (( done_s * 100 < best * 105 )); then
            TRIALS_MAX=$(( TRIALS_MAX - (NRATES - ri) ))   # the rest of this setting's rates are not tried
            break
        fi
        best=$done_s
    done
done

# ---------------------------------------------------------------- DTM
log "DTM new-lease benchmark, ${SECS}s per trial ($DTM_ARGS${DTM_FILL:+, filled to $DTM_FILL bindings at the end})"
: >"$WORK/dtm.log"   # there before tail opens it (tail gave up on a file the backgrounded java had not created yet)
java -cp "$DTM_CLASSPATH" net.dtm.benchmark.lease.NewLeaseBenchmark --seconds "$SECS" --dir "$WORK/dtm" \
    --csv "$WORK/new-lease.csv" ${DTM_FILL:+--fill "$DTM_FILL"} $DTM_ARGS >"$WORK/dtm.log" 2>&1 &
DTM_PID=$!
# its output (progress lines included) shows as it comes; tail ends when the benchmark does
tail -n +1 -f --pid="$DTM_PID" "$WORK/dtm.log" >&2 &
TAIL_PID=$!
# trials, warm-up and enrolment; filling at no less than 1,000 leases/s
timeout_at=$(( $(date +%s) + 20 * SECS + 600 + ${DTM_FILL:-0} / 1000 ))
while kill -0 "$DTM_PID" 2>/dev/null; do
    if (( $(date +%s) > timeout_at )); then echo "DTM benchmark took too long; stopped" >&2; kill "$DTM_PID"; break; fi
    sleep 1
done
DTM_RC=0
wait "$DTM_PID" || DTM_RC=$?
wait "$TAIL_PID" || true
DTM_PID=
cp "$WORK/dtm/node.log" "$WORK/dtm-node.log" 2>/dev/null || true
# a trial that was cut short (e.g. out of enrolled devices) fails the benchmark: no figure from it is reported
if [[ $DTM_RC -ne 0 ]]; then
    echo "run-kea-compare.sh: FAILED: the DTM benchmark exited with $DTM_RC: $(grep -m1 '^FAILED' "$WORK/dtm.log" || echo 'see its log')" >&2
    echo "run-kea-compare.sh: no comparison reported; logs in $OUT" >&2
    exit 1
fi
RESULT=$(grep '^RESULT' "$WORK/dtm.log" | tail -1)
[[ -n "$RESULT" ]] || { echo "run-kea-compare.sh: the DTM benchmark printed no RESULT; see $OUT/dtm.log" >&2; exit 1; }
FILL=$(grep '^FILL' "$WORK/dtm.log" | tail -1 || true)
if [[ -n "$DTM_FILL" && -z "$FILL" ]]; then echo "run-kea-compare.sh: the DTM benchmark printed no FILL line; see $OUT/dtm.log" >&2; exit 1; fi
DTM_RATE=$(sed -E 's/.*leases_per_s=([0-9]+).*/\1/' <<<"$RESULT")
mkdir -p "$OUT"
java -Djava.awt.headless=true -cp "$DTM_CLASSPATH" net.dtm.benchmark.lease.KeaCompareReport "$WORK/kea-trials.csv" \
    "$WORK/new-lease.csv" "$OUT" "$SECS" >&2

# ---------------------------------------------------------------- summary
{
echo
echo "== new leases per second on $(nproc) cores (load average now $(cut -d' ' -f1-3 /proc/loadavg); other processes share these cores)"
printf '  Kea DHCPv4 (memfile): %6d /s   best trial: %s\n' "$KEA_BEST" "$KEA_BEST_DESC"
printf '  DTM (durable Derby):  %6d /s   %s\n' "$DTM_RATE" "${RESULT#RESULT }"
awk -v d="$DTM_RATE" -v k="$KEA_BEST" 'BEGIN { if (k > 0) printf "  DTM / Kea = %.2f (target >= 1.5)\n", d / k; else print "  DTM / Kea: Kea completed nothing" }'
[[ -z "$FILL" ]] || printf '  DTM at a filled lease table: %s\n' "${FILL#FILL }"
echo "  logs and per-trial figures: $OUT (kea-compare.csv and kea-compare.png: every trial of both)"
} | tee "$WORK/summary.txt"
