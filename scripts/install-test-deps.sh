#!/usr/bin/env bash
# What the test suite needs beyond npm, on Debian: pandas, R (readr) and curl run the README's
# snippets, chromium renders the landing page. Checks each; as root installs the missing ones with
# apt-get (saying which), otherwise prints the apt-get line to run and fails. The README's test
# command (npm test) and .ci/run call this script, so a fresh machine gets what it tests.
set -euo pipefail

missing=()
# The tests run /usr/bin/python3 (Debian's), not a python3 found first on the PATH.
/usr/bin/python3 -c 'import pandas' >/dev/null 2>&1 || missing+=(python3-pandas)
if [ ! -x /usr/bin/Rscript ]; then
  missing+=(r-base-core r-cran-readr)
elif ! /usr/bin/Rscript -e 'library(readr)' >/dev/null 2>&1; then
  missing+=(r-cran-readr)
fi
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -x /usr/bin/curl ] || missing+=(curl)

if [ ${#missing[@]} -eq 0 ]; then
  echo "test dependencies present: python3-pandas, r-base-core, r-cran-readr, chromium, curl"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing test dependencies: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "installing test dependencies: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}"
