#!/usr/bin/env bash
# Installs the system packages the build needs (libxml2 for XSD validation, pkg-config to
# find it, libclang for the libxml crate's bindgen). Idempotent: a package already present
# is not touched, and apt is asked nothing when all of them are there. Then the Python
# package the differential test's oracle needs (tests/differential/requirements.txt), by
# pip, only when the pinned version is not there already.
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
else
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The oracle of tests/differential: xmlschema at the pinned version (Debian's package is
# older than the 4.x the oracle is written for).
requirements="$(dirname "$0")/../tests/differential/requirements.txt"
want="$(sed -n 's/^xmlschema==//p' "$requirements")"
if python3 -c "import sys, xmlschema; sys.exit(xmlschema.__version__ != '$want')" 2>/dev/null; then
  echo "setup: python package present (xmlschema $want)"
else
  echo "setup: installing python packages from tests/differential/requirements.txt"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r "$requirements"
fi
