#!/usr/bin/env bash
# CI's Docker step: runs a command (in CI: `npm run test:docker`) with a Docker daemon up.
#
#   XMLRPC_TS_DOCKER=required bash docker/ci-docker.sh npm run test:docker
#
# Installs the Docker engine, Compose and debootstrap from Debian when missing, starts a dockerd
# when none answers (and stops that one, by its PID, when this script ends, also on failure),
# points PYTHON_IMAGE and NODE_IMAGE at the local images unless they are set, runs the command
# and exits with its exit code. The command builds the images and enforces the time budget
# (spec-tests/docker/run.js).
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -gt 0 ] || { echo "usage: bash docker/ci-docker.sh COMMAND [ARGS...]" >&2; exit 2; }

DAEMON_START_LIMIT=60 # seconds for a started dockerd to answer
DAEMON_STOP_LIMIT=30  # seconds for it to exit on SIGTERM before SIGKILL

export PYTHON_IMAGE="${PYTHON_IMAGE:-xmlrpc-ts-python:bookworm}"
export NODE_IMAGE="${NODE_IMAGE:-xmlrpc-ts-node:bookworm}"

log() { printf 'ci-docker: %s\n' "$*" >&2; }
daemon_answers() { timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

dockerd_pid=""
dockerd_log=""
stop_dockerd() {
  [ -n "$dockerd_pid" ] || return 0
  if kill -0 "$dockerd_pid" 2>/dev/null; then
    log "stopping the dockerd this script started (PID $dockerd_pid)"
    kill -TERM "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 1 $((DAEMON_STOP_LIMIT * 10))); do
      kill -0 "$dockerd_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$dockerd_pid" 2>/dev/null && kill -KILL "$dockerd_pid" 2>/dev/null || true
  fi
  dockerd_pid=""
  [ -z "$dockerd_log" ] || rm -f "$dockerd_log"
}
trap stop_dockerd EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if daemon_answers; then
  log "a Docker daemon answers already: using it"
else
  dockerd_log="$(mktemp "${TMPDIR:-/tmp}/xmlrpc-ts-dockerd.XXXXXX")"
  log "starting dockerd (vfs storage)"
  dockerd --storage-driver=vfs >"$dockerd_log" 2>&1 &
  dockerd_pid=$!
  # Poll until it answers, within the limit; a dockerd that exits early fails at once.
  started=""
  for _ in $(seq 1 $((DAEMON_START_LIMIT * 4))); do
    if daemon_answers; then started=yes; break; fi
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 0.25
  done
  if [ -z "$started" ]; then
    tail -n 30 "$dockerd_log" >&2 || true
    log "dockerd did not answer within ${DAEMON_START_LIMIT} s"
    exit 1
  fi
fi

# Not `exec`: this shell stays to stop the daemon it started once the command ends.
status=0
"$@" || status=$?
exit "$status"
