#!/usr/bin/env bash
# Runs every test: unit tests of all modules, the Pax Exam integration tests that boot the Karaf
# distribution (standalone, and in cluster mode against a ZooKeeper server the test starts), and
# the real-process system tests. ZooKeeper needs no installation: the tests run it from its Maven
# artifacts (Curator's TestingServer, or QuorumPeerMain JVMs for a real ensemble).
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -B verify "$@"
