#!/usr/bin/env bash
# Soak (issue 14, target 10): 10 minutes of steady load on a standalone node: agents holding leases
# of a 60 s pool (renewing), a few re-establishing, and spoofed garbage. Every 30 s a line with the
# heap after GC, answers cached, source state, replay windows and device cache; at the end whether
# memory stayed flat. Root only (the garbage is spoofed through a raw socket); loopback only.
# Options: --soak-seconds S (default 600), --sample-seconds S (30), --soak-rate R (2000/s), --soak-agents N (200).
exec "$(dirname "$0")/run-flood.sh" --soak "$@"
