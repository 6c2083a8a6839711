#!/usr/bin/env bash
# Installs the system packages the build and the tests need (libxml2 for XSD validation,
# pkg-config to find it, libclang for the libxml crate's bindgen; PHP's command line and its
# SoapClient for tests/clients.rs; xmllint, the peer the folder benchmark measures beside us). Idempotent: a package already present
# is not touched, and apt is asked nothing when all of them are there. Then the Python
# packages the tests run (scripts/python-requirements.txt), by pip, only when a pinned
# version is not there already.
set -euo pipefail

packages=(libxml2-dev libxml2-utils pkg-config libclang-dev php-cli php-soap)
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

# The Python packages the tests run (the differential test's XSD oracle, a JUnit reader,
# the zeep SOAP client),
# at the versions pinned in python-requirements.txt; pip is asked only when one is missing
# or at another version.
requirements="$(dirname "$0")/python-requirements.txt"
if python3 - "$requirements" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if line:
        name, want = line.split("==")
        if version(name) != want:
            sys.exit(1)
PY
then
  echo "setup: python packages present ($(grep -c '==' "$requirements") pinned)"
else
  echo "setup: installing python packages from scripts/python-requirements.txt"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r "$requirements"
fi

# node-soap and strong-soap, the JavaScript SOAP clients tests/clients.rs drives, at the
# versions tests/clients/node/package-lock.json pins (npm ci), only when any of them is
# missing or at another version.
node_dir="$(dirname "$0")/../tests/clients/node"
if (cd "$node_dir" && node -e '
  const deps = require("./package.json").dependencies;
  for (const [name, want] of Object.entries(deps)) {
    let have;
    try { have = require("./node_modules/" + name + "/package.json").version; } catch (e) {}
    if (have !== want) process.exit(1);
  }'); then
  echo "setup: node packages present ($(cd "$node_dir" && node -p 'Object.entries(require("./package.json").dependencies).map(([n, v]) => n + " " + v).join(", ")'))"
else
  echo "setup: installing node packages from tests/clients/node/package-lock.json"
  (cd "$node_dir" && npm ci --no-audit --no-fund --silent)
fi
