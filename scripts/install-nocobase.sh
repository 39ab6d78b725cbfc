#!/usr/bin/env bash
# Installs a real NocoBase server (open-source edition, from the npm registry only) into
# <repo>/.tools/nocobase, for the tests of export-collections, recreate-collection and the MIRA smoke
# flows. The tests create its database and start it on loopback themselves. Idempotent.
#
# Two registry-only workarounds: @nocobase/ai depends on `xlsx` from a CDN tarball, replaced by an npm
# copy of the same version; @langchain/openai declares Node >= 22 although the server runs on 20.
set -euo pipefail

VERSION=${NOCOBASE_VERSION:-2.2.15}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR="$REPO/.tools/nocobase"
APP="$DIR/app"

if [[ -f "$DIR/installed-$VERSION" ]]; then
  echo "NocoBase $VERSION already in $APP"
  exit 0
fi

command -v yarn >/dev/null 2>&1 || npm install -g --no-audit --no-fund yarn@1 >/dev/null
rm -rf "$DIR"
mkdir -p "$DIR"
cd "$DIR"
# The connection settings are placeholders: the tests pass their own DB_* and APP_* variables.
npx -y "create-nocobase-app@$VERSION" app --skip-dev-dependencies -d postgres \
  -e DB_HOST=127.0.0.1 -e DB_PORT=5432 -e DB_DATABASE=nocobase -e DB_USER=nocobase \
  -e DB_PASSWORD=nocobase
cd "$APP"
node -e '
  const fs = require("fs");
  const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
  pkg.resolutions = { ...pkg.resolutions, xlsx: "npm:@e965/xlsx@0.20.3" };
  fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2) + "\n");
'
DISABLE_PKG_DOWNLOAD=true yarn install --ignore-engines --network-timeout 600000 --silent
touch "$DIR/installed-$VERSION"
echo "NocoBase $VERSION installed in $APP"
