#!/usr/bin/env bash
# Installs the Debian packages the build needs, only those that are missing.
# Sourced by the quick-start scripts; safe to run again.
set -euo pipefail
hsmb_packages=(
  build-essential cmake ninja-build pkg-config dpkg-dev
  libssl-dev libgtest-dev libgmock-dev libbenchmark-dev
  librapidcheck-dev libcli11-dev nlohmann-json3-dev
  clang-14 libclang-rt-14-dev lld
  python3 python3-jsonschema jq
)
# Tools only some scripts need (scripts/lint asks for clang-format-14 and
# clang-tidy-14); CI's path never sets this.
read -r -a hsmb_extra <<< "${HSMB_EXTRA_PACKAGES:-}"
hsmb_packages+=("${hsmb_extra[@]}")
hsmb_missing=()
for p in "${hsmb_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || hsmb_missing+=("$p")
done
if ((${#hsmb_missing[@]})); then
  echo "Installing missing packages: ${hsmb_missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: run as root (apt-get install needs it) or install: ${hsmb_missing[*]}" >&2
    exit 3
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${hsmb_missing[@]}" >&2
fi
