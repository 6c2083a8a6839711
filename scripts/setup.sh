#!/usr/bin/env bash
# Installs the system packages the build needs (libxml2 for XSD validation, pkg-config to
# find it, libclang for the libxml crate's bindgen). Idempotent: a package already present
# is not touched, and apt is asked nothing when all of them are there.
set -euo pipefail

packages=(libxml2-dev pkg-config libclang-dev)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: system packages present (${packages[*]})"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
