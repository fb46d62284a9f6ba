#!/usr/bin/env bash
# Security: the AWS CLI and the JS SDK with real SigV4 signatures against `runnel serve --auth sigv4`
# (tests/compat/security/run.sh). Budget: under 3 minutes. Last line: "suite: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
exec bash tests/compat/security/run.sh "$@"
