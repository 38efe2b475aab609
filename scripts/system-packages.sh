#!/usr/bin/env bash
# Install the Debian packages the app and its tests need, skipping those already present.
#   chromium            the browser the Playwright tests drive (Playwright cannot download its own here)
#   libpango*, fonts    what WeasyPrint renders PDFs with
#   libharfbuzz-subset0 makes WeasyPrint's font subsetting about three times faster
#   gettext             msgfmt, which compiles the German catalogue (locale/)
#   poppler-utils       pdftoppm, to look at rendered PDFs
#   redis-server        the report cache's tests with several servers sharing one Redis
set -euo pipefail

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext)
if [ "${1:-}" = "--test" ]; then
  packages+=(chromium poppler-utils redis-server)
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "Installing Debian packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
