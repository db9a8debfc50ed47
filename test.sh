#!/usr/bin/env bash
# Runs every test: unit tests of all modules and the Pax Exam integration tests that boot the
# Karaf distribution.
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -B verify "$@"
