#!/usr/bin/env bash
# Makes sure the two images the Docker interop suite and compose.yaml run are there:
#
#   PYTHON_IMAGE  (default xmlrpc-ts-python:bookworm)  Debian bookworm with python3 (3.11)
#   NODE_IMAGE    (default xmlrpc-ts-node:bookworm)    the same plus this machine's `node` binary
#
# Idempotent: an image that exists is kept. A missing local image (a name starting with
# "xmlrpc-ts-") is built without any registry: debootstrap from the Debian mirror that apt's
# own sources list names, then `docker import`; the Node image is docker/node.Dockerfile on top,
# rebuilt when the node binary's version or the Python image it is built FROM changes.
# Any other name (e.g. python:3.12-slim) is pulled instead.
#
# Needs a reachable Docker daemon; building the Python image needs root and debootstrap.
# DEBIAN_MIRROR overrides the mirror read from apt's sources; NODE_BINARY the node copied in.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
PYTHON_IMAGE="${PYTHON_IMAGE:-xmlrpc-ts-python:bookworm}"
NODE_IMAGE="${NODE_IMAGE:-xmlrpc-ts-node:bookworm}"
SUITE=bookworm
# Time limits (seconds) so a stalled mirror or daemon fails the build instead of hanging it.
DEBOOTSTRAP_TIME_LIMIT=900
DOCKER_TIME_LIMIT=600

log() { printf 'build-images: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

image_exists() { timeout 30 docker image inspect "$1" >/dev/null 2>&1; }
image_label() { timeout 30 docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }
is_local_name() { [[ "$1" == xmlrpc-ts-* ]]; }

# The first Debian mirror URI in apt's sources that serves $SUITE (or failing that, any
# suite without a "-updates"/"-security" part), from one-line and deb822 source files.
apt_mirror() {
  local files=() f
  [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  [ ${#files[@]} -gt 0 ] || return 1
  awk -v suite="$SUITE" '
    function consider(uri, suites,   n, i, s) {
      if (uri !~ /^(https?|ftp|file):/) return
      n = split(suites, s, /[ \t]+/)
      for (i = 1; i <= n; i++) {
        if (s[i] == suite && exact == "") exact = uri
        if (s[i] != "" && s[i] !~ /-/ && loose == "") loose = uri
      }
    }
    function flush() { if (isdeb && uris != "") { split(uris, u, /[ \t]+/); consider(u[1], suites) } isdeb = 0; uris = ""; suites = "" }
    FNR == 1 { flush(); deb822 = (FILENAME ~ /\.sources$/) }
    /^[ \t]*#/ { next }
    deb822 && /^[ \t]*$/ { flush(); next }
    deb822 && tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") isdeb = 1; next }
    deb822 && tolower($1) == "uris:" { $1 = ""; sub(/^[ \t]+/, ""); uris = $0; next }
    deb822 && tolower($1) == "suites:" { $1 = ""; sub(/^[ \t]+/, ""); suites = $0; next }
    !deb822 && $1 == "deb" {
      i = 2
      if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
      consider($i, $(i + 1))
    }
    END { flush(); if (exact != "") print exact; else if (loose != "") print loose; else exit 1 }
  ' "${files[@]}"
}

# Unmounts whatever debootstrap left mounted under $1 (after an interruption), then deletes it
# without crossing into another file system.
remove_root() {
  local dir="$1" mnt
  [ -d "$dir" ] || return 0
  for mnt in $(awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$mnt" || true
  done
  rm -rf --one-file-system "$dir"
}

build_python_image() {
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap is missing (apt-get install debootstrap), or set PYTHON_IMAGE to an image you have"
  [ "$(id -u)" = 0 ] || die "building $PYTHON_IMAGE with debootstrap needs root"
  local mirror="${DEBIAN_MIRROR:-}"
  [ -n "$mirror" ] || mirror="$(apt_mirror)" || die "no Debian mirror found in apt's sources list; set DEBIAN_MIRROR"
  work="$(mktemp -d "${TMPDIR:-/tmp}/xmlrpc-ts-rootfs.XXXXXX")"
  local root="$work/root"
  log "debootstrap $SUITE (minbase + python3) from $mirror"
  # In the background, so an interrupt reaches the cleanup at once (which stops it first).
  timeout "$DEBOOTSTRAP_TIME_LIMIT" debootstrap --variant=minbase --include=python3 "$SUITE" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 &
  debootstrap_pid=$!
  if ! wait "$debootstrap_pid"; then
    debootstrap_pid=""
    tail -n 20 "$work/debootstrap.log" >&2
    die "debootstrap failed (log above)"
  fi
  debootstrap_pid=""
  # What a container never needs: downloaded packages, package lists, docs, translations.
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/*
  log "importing $PYTHON_IMAGE"
  tar -C "$root" --numeric-owner -c . | timeout "$DOCKER_TIME_LIMIT" docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV PYTHONDONTWRITEBYTECODE=1' \
    --change 'CMD ["python3"]' \
    --change 'LABEL xmlrpc-ts.built-by=docker/build-images.sh' \
    - "$PYTHON_IMAGE" >/dev/null
  remove_root "$work"
  work=""
}

build_node_image() {
  local node="${NODE_BINARY:-$(command -v node || true)}"
  [ -n "$node" ] || die "no node binary on PATH to copy into $NODE_IMAGE; set NODE_BINARY"
  node="$(readlink -f "$node")"
  local version base old=""
  version="$("$node" --version)"
  # The image is kept while both its node and the base it was built FROM are current: a rebuilt
  # PYTHON_IMAGE has a new ID, so the Node image on top of it is rebuilt too.
  base="$(timeout 30 docker image inspect --format '{{.Id}}' "$PYTHON_IMAGE")" || die "cannot read the ID of $PYTHON_IMAGE"
  if image_exists "$NODE_IMAGE"; then
    if [ "$(image_label "$NODE_IMAGE" xmlrpc-ts.node-version)" != "$version" ]; then
      log "$NODE_IMAGE has another node than $version: rebuilding it"
    elif [ "$(image_label "$NODE_IMAGE" xmlrpc-ts.base-image)" != "$base" ]; then
      log "$NODE_IMAGE was not built FROM the current $PYTHON_IMAGE: rebuilding it"
    else
      log "$NODE_IMAGE (node $version, on the current $PYTHON_IMAGE) exists, kept"
      return 0
    fi
    old="$(timeout 30 docker image inspect --format '{{.Id}}' "$NODE_IMAGE")" || old=""
  fi
  work="$(mktemp -d "${TMPDIR:-/tmp}/xmlrpc-ts-node.XXXXXX")"
  cp "$here/node.Dockerfile" "$work/Dockerfile"
  ln "$node" "$work/node" 2>/dev/null || cp "$node" "$work/node"
  log "building $NODE_IMAGE from $PYTHON_IMAGE with node $version"
  timeout "$DOCKER_TIME_LIMIT" docker build -q \
    --build-arg "BASE_IMAGE=$PYTHON_IMAGE" \
    --label "xmlrpc-ts.node-version=$version" \
    --label "xmlrpc-ts.base-image=$base" \
    -t "$NODE_IMAGE" "$work" >/dev/null
  rm -rf "$work"
  work=""
  # The replaced image, now untagged: removed unless a container still uses it (vfs copies are big).
  if [ -n "$old" ] && [ "$old" != "$(timeout 30 docker image inspect --format '{{.Id}}' "$NODE_IMAGE")" ]; then
    timeout 60 docker rmi "$old" >/dev/null 2>&1 || true
  fi
}

pull_image() {
  log "$1 is missing: pulling it"
  timeout "$DOCKER_TIME_LIMIT" docker pull -q "$1" >/dev/null || die "cannot pull $1; unset the variable to build the local image instead"
}

work=""
debootstrap_pid=""
cleanup() {
  if [ -n "$debootstrap_pid" ]; then
    kill -TERM "$debootstrap_pid" 2>/dev/null || true
    wait "$debootstrap_pid" 2>/dev/null || true
  fi
  [ -z "$work" ] || remove_root "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

timeout 15 docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || die "no Docker daemon answers (is dockerd running?)"

if image_exists "$PYTHON_IMAGE"; then
  log "$PYTHON_IMAGE exists, kept"
elif is_local_name "$PYTHON_IMAGE"; then
  build_python_image
else
  pull_image "$PYTHON_IMAGE"
fi

if is_local_name "$NODE_IMAGE"; then
  build_node_image
elif image_exists "$NODE_IMAGE"; then
  log "$NODE_IMAGE exists, kept"
else
  pull_image "$NODE_IMAGE"
fi
