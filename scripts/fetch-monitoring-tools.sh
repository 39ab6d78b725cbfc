#!/usr/bin/env bash
# Downloads current releases of the monitoring tools (Alertmanager/amtool, Prometheus/promtool, the
# blackbox, postgres and redis exporters) and moto's S3 server from Debian's next release (trixie) into
# <repo>/.tools/root, without touching the system's apt setup: a separate sources list and lists
# directory used only for `apt-get download`. Bookworm's amtool 0.25 rejects configs our alerts need
# (url_file, msteams_configs). The binaries are static Go programs and moto is pure Python, so
# `dpkg-deb -x` is enough. Idempotent; run as root or any user that can run apt-get.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS="$REPO/.tools"
ROOT="$TOOLS/root"
SCRATCH="$TOOLS/apt"
SUITE=trixie
PACKAGES=(prometheus-alertmanager promtool prometheus prometheus-blackbox-exporter
  prometheus-postgres-exporter prometheus-redis-exporter python3-moto)
BINARIES=(amtool prometheus-alertmanager promtool prometheus prometheus-blackbox-exporter
  prometheus-postgres-exporter prometheus-redis-exporter)
# moto's S3 server (pure Python): runs on bookworm's python3 with the python3-* packages .ci/run installs.
MOTO_PATH="$ROOT/usr/lib/python3/dist-packages"

all_present() {
  local bin
  for bin in "${BINARIES[@]}"; do
    "$ROOT/usr/bin/$bin" --version >/dev/null 2>&1 || return 1
  done
  PYTHONPATH="$MOTO_PATH" /usr/bin/python3 -c "import moto.server" 2>/dev/null || return 1
}

print_versions() {
  local bin
  for bin in "${BINARIES[@]}"; do
    # Go tools print "<name>, version X.Y.Z (branch ...)" on the first line (to stdout or stderr).
    printf '%-30s %s\n' "$bin" "$("$ROOT/usr/bin/$bin" --version 2>&1 | head -n 1)"
  done
  printf '%-30s %s\n' moto "$(PYTHONPATH="$MOTO_PATH" /usr/bin/python3 -c "import moto; print(moto.__version__)")"
}

# The machine's own Debian mirror (deb822 first, then a one-line sources.list, then the default).
mirror() {
  local uri=""
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [[ -z "$uri" && -f /etc/apt/sources.list ]]; then
    uri=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' \
      /etc/apt/sources.list)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

if all_present; then
  echo "monitoring tools already in $ROOT"
  print_versions
  exit 0
fi

rm -rf "$SCRATCH" "$ROOT"
mkdir -p "$SCRATCH/lists/partial" "$SCRATCH/cache/archives/partial" "$SCRATCH/debs" "$ROOT"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(mirror) $SUITE main" \
  >"$SCRATCH/sources.list"

# Own sources list, lists and cache dirs: the system's apt state is neither read for sources nor written.
APT=(
  -o "Dir::Etc::SourceList=$SCRATCH/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$SCRATCH/lists"
  -o "Dir::Cache=$SCRATCH/cache"
  -o "Acquire::Languages=none"
  # As root, apt drops to the _apt user for downloads; it cannot write into this tree, so stay root.
  -o "APT::Sandbox::User=root"
)
apt-get "${APT[@]}" -qq update
(cd "$SCRATCH/debs" && apt-get "${APT[@]}" -q download "${PACKAGES[@]}")

for deb in "$SCRATCH"/debs/*.deb; do
  dpkg-deb -x "$deb" "$ROOT"
done
# Only the binaries are used. usr/share holds Prometheus's classic web UI (JavaScript plus symlinks to
# /usr/share/javascript that dangle here), which `eslint .` would try to lint and crash on.
rm -rf "$SCRATCH" "$ROOT/usr/share"

if ! all_present; then
  echo "fetch-monitoring-tools: binaries missing or not runnable in $ROOT/usr/bin" >&2
  exit 1
fi
print_versions
