#!/usr/bin/env bash
# Vendor the front-end libraries of open137 into open137/static/vendor/.
#
# Every library comes from the npm registry only, at an exact pinned version,
# fetched with `npm pack` into a temporary directory and checked against the
# pinned sha512 integrity. Only the files the site needs, plus each library's
# licence file(s), are copied. Nothing in the result loads from another host:
# fonts and images are local, every CSS url() is a local relative path, and
# source-map comments are stripped (the .map files are not vendored).
#
# Usage: scripts/vendor-static.sh        (run from anywhere; needs node + npm)
#
# To update a library: change its version and integrity below
# (`npm view <name>@<version> dist.integrity`), run this script, review the
# diff of open137/static/vendor/.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$REPO_ROOT/open137/static/vendor"

# name | version | dist.integrity | licence (SPDX)
PACKAGES=(
  "bootstrap|5.3.9|sha512-20cU0rcfw8WdxtVbmfU+xT2EjvVTw9Ror/h1Qvd7DXCujRg8OO9mdBCsmTHdJFf3BuadmBNJtgIuUXsBqSkk/w==|MIT"
  "bootstrap-icons|1.13.2|sha512-fAU1Ly3dH7hwRg+CB8EZ0Vl0fF80zgXHeUVJyfUOKzoURr+TbwISbCW5tKUoQLERaWYG2emTCybcPbD96hdD1A==|MIT"
  "vazirmatn|33.0.3|sha512-fbjNc0CMjazZpIegWzz9OHGzI1APFboT+x7ZecXlUCtDe/nkyx7gtCTZnWS/+eeXG7fbfXymCPKJI8EsnM3iqw==|OFL-1.1"
  "htmx.org|2.0.11|sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==|0BSD"
  "leaflet|1.9.4|sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==|BSD-2-Clause"
  "chart.js|4.6.1|sha512-hJyniucsFmq//EvXYvJ6c6mahPoI3kaxdjVH8awTaJ/fDNWeSqqqArixMJWkWNN6fcYvPU3HneSANFNYtRi61g==|MIT"
  "@geoman-io/leaflet-geoman-free|2.20.2|sha512-KQpSe0VKyuVCudq/08rMjJW1vvIwFldTwBny2wZ7ABcyyUAP7/eoFo967hCu9yRqAAHb4QOxC6gY5dGqttY68g==|MIT"
  "swagger-ui-dist|5.35.0|sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ==|Apache-2.0"
  # Not vendored as code: bootstrap.bundle.min.js embeds Popper 2 without its
  # licence text, so Popper's licence file is copied next to Bootstrap's.
  "@popperjs/core|2.11.8|sha512-P1st0aksCrn9sGZhp8GMYwBnQsbvAWsZAX44oXNNvLHGqAOcoVxmjZiohstwQ7SqKnbR47akdNi+uleWD8+g6A==|MIT"
)

die() { echo "vendor-static: $*" >&2; exit 1; }

command -v npm >/dev/null || die "npm is required"
command -v node >/dev/null || die "node is required"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

declare -A VERSION INTEGRITY LICENCE PKGDIR
for entry in "${PACKAGES[@]}"; do
  IFS='|' read -r name version integrity licence <<<"$entry"
  VERSION[$name]=$version
  INTEGRITY[$name]=$integrity
  LICENCE[$name]=$licence
done

# fetch NAME: npm pack the pinned version, verify it, extract it.
fetch() {
  local name=$1 version=${VERSION[$1]} tgz actual dir
  tgz="$(cd "$WORK" && npm pack "$name@$version" --silent --ignore-scripts | tail -n 1)"
  [[ -f "$WORK/$tgz" ]] || die "npm pack $name@$version produced no tarball"
  actual="sha512-$(openssl dgst -sha512 -binary "$WORK/$tgz" | openssl base64 -A)"
  [[ "$actual" == "${INTEGRITY[$name]}" ]] \
    || die "$name@$version integrity mismatch: got $actual, pinned ${INTEGRITY[$name]}"
  dir="$WORK/pkg/${name//\//__}"
  mkdir -p "$dir"
  tar -xzf "$WORK/$tgz" -C "$dir"
  dir="$dir/package"
  # The tarball must really be the pinned version.
  # shellcheck disable=SC2016  # JavaScript, not shell
  node -e 'const p=require(process.argv[1]); if (p.name!==process.argv[2]||p.version!==process.argv[3]) { console.error(`got ${p.name}@${p.version}`); process.exit(1); }' \
    "$dir/package.json" "$name" "$version" || die "$name@$version: unexpected package.json"
  PKGDIR[$name]=$dir
}

# put NAME SRC DST: copy SRC (relative to the package root) to
# $DEST/NAME/DST (DST defaults to SRC).
put() {
  local name=$1 src=$2 dst=${3:-$2}
  local from="${PKGDIR[$name]}/$src"
  [[ -f "$from" ]] || die "$name: missing file $src"
  install -D -m 0644 "$from" "$DEST/$name/$dst"
}

# Start each library's directory from scratch so removed files do not linger.
for name in bootstrap bootstrap-icons vazirmatn htmx.org leaflet leaflet-geoman chart.js swagger-ui-dist; do
  rm -rf "${DEST:?}/$name"
done
mkdir -p "$DEST"

for entry in "${PACKAGES[@]}"; do
  fetch "${entry%%|*}"
done

# --- bootstrap ---------------------------------------------------------------
put bootstrap dist/css/bootstrap.rtl.min.css css/bootstrap.rtl.min.css
put bootstrap dist/css/bootstrap.min.css     css/bootstrap.min.css
put bootstrap dist/js/bootstrap.bundle.min.js js/bootstrap.bundle.min.js
put bootstrap LICENSE
install -D -m 0644 "${PKGDIR[@popperjs/core]}/LICENSE.md" "$DEST/bootstrap/LICENSE-popper.md"

# --- bootstrap-icons (keeps font/ + font/fonts/ as the CSS expects) ----------
put bootstrap-icons font/bootstrap-icons.min.css
put bootstrap-icons font/fonts/bootstrap-icons.woff2
put bootstrap-icons LICENSE
# Only woff2 is shipped: drop the woff fallback from @font-face src.
css="$DEST/bootstrap-icons/font/bootstrap-icons.min.css"
sed -E -i 's#,url\("fonts/bootstrap-icons\.woff\?[0-9a-f]*"\) format\("woff"\)##' "$css"
grep -q 'bootstrap-icons\.woff[?"]' "$css" && die "bootstrap-icons: woff fallback still referenced in $css"
grep -q 'url("fonts/bootstrap-icons\.woff2?[0-9a-f]*") format("woff2")' "$css" \
  || die "bootstrap-icons: woff2 src not found in $css"

# --- vazirmatn (variable font only; it covers Latin too) ---------------------
put vazirmatn Vazirmatn-Variable-font-face.css
put vazirmatn 'fonts/webfonts/Vazirmatn[wght].woff2'
put vazirmatn OFL.txt
put vazirmatn AUTHORS.txt

# --- htmx --------------------------------------------------------------------
put htmx.org dist/htmx.min.js htmx.min.js
put htmx.org LICENSE

# --- leaflet -----------------------------------------------------------------
put leaflet dist/leaflet.js  leaflet.js
put leaflet dist/leaflet.css leaflet.css
for img in "${PKGDIR[leaflet]}"/dist/images/*; do
  put leaflet "dist/images/$(basename "$img")" "images/$(basename "$img")"
done
put leaflet LICENSE

# --- leaflet-geoman (the admin's boundary editor; vendored as leaflet-geoman/) ---
# The CSS inlines its icons as data: SVGs, which refer to their own parts as url(%23...).
install -D -m 0644 "${PKGDIR[@geoman-io/leaflet-geoman-free]}/dist/leaflet-geoman.min.js" \
  "$DEST/leaflet-geoman/leaflet-geoman.min.js"
install -D -m 0644 "${PKGDIR[@geoman-io/leaflet-geoman-free]}/dist/leaflet-geoman.css" \
  "$DEST/leaflet-geoman/leaflet-geoman.css"
install -D -m 0644 "${PKGDIR[@geoman-io/leaflet-geoman-free]}/LICENSE" \
  "$DEST/leaflet-geoman/LICENSE"

# --- chart.js ----------------------------------------------------------------
put chart.js dist/chart.umd.min.js chart.umd.min.js
put chart.js LICENSE.md

# --- swagger-ui-dist ---------------------------------------------------------
put swagger-ui-dist swagger-ui.css
put swagger-ui-dist swagger-ui-bundle.js
put swagger-ui-dist swagger-ui-bundle.js.LICENSE.txt   # bundled third-party notices
put swagger-ui-dist LICENSE
put swagger-ui-dist NOTICE

# --- post-processing and checks ---------------------------------------------
# Strip source-map comments (the .map files are not vendored, and Django's
# ManifestStaticFilesStorage would fail on the missing targets).
find "$DEST" -type f \( -name '*.css' -o -name '*.js' \) -print0 | xargs -0 sed -E -i \
  -e '/^[[:space:]]*\/\*[#@] sourceMappingURL=[^*]*\*\/[[:space:]]*$/d' \
  -e '/^[[:space:]]*\/\/[#@] sourceMappingURL=[^[:space:]]*[[:space:]]*$/d'
if grep -rl 'sourceMappingURL=' "$DEST" --include='*.css' --include='*.js'; then
  die "source-map reference left in the files above"
fi

# Every CSS url()/@import must be data:, a #fragment, or an existing local file.
node - "$DEST" <<'JS'
const fs = require('fs'), path = require('path');
const root = process.argv[2];
const bad = [];
const walk = d => fs.readdirSync(d, {withFileTypes: true}).flatMap(e =>
  e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
for (const file of walk(root).filter(f => f.endsWith('.css'))) {
  const css = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const refs = [...css.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)/g)]
    .map(m => m[1] ?? m[2] ?? m[3]);
  refs.push(...[...css.matchAll(/@import\s+["']([^"']+)["']/g)].map(m => m[1]));
  for (const ref of refs) {
    if (ref.startsWith('data:') || ref.startsWith('#') || ref.startsWith('%23')) continue;
    if (/^([a-z]+:)?\/\//i.test(ref) || ref.startsWith('/')) { bad.push(`${file}: non-local url ${ref}`); continue; }
    const target = path.resolve(path.dirname(file), ref.replace(/[?#].*$/, ''));
    if (!fs.existsSync(target)) bad.push(`${file}: missing ${ref}`);
  }
}
if (bad.length) { console.error(bad.join('\n')); process.exit(1); }
JS

# --- README -----------------------------------------------------------------
{
  cat <<'EOF'
# Vendored front-end libraries

Generated by `scripts/vendor-static.sh` — do not edit the files here by hand;
change the pinned version in the script and run it again.

Every file comes from the npm registry (`npm pack <name>@<version>`, checked
against the pinned sha512 integrity). Nothing here loads from another host:
fonts and images are local, every CSS `url()` is a local relative path, and
source-map comments are stripped (no `.map` files are shipped).

| Library | Version | Licence | Files kept (under `vendor/<library>/`) |
| --- | --- | --- | --- |
EOF
  for name in bootstrap bootstrap-icons vazirmatn htmx.org leaflet leaflet-geoman chart.js swagger-ui-dist; do
    # shellcheck disable=SC2016  # literal backticks for Markdown
    files="$(cd "$DEST/$name" && find . -type f | sed 's#^\./##' | LC_ALL=C sort | sed 's/.*/`&`/' | paste -sd ',' - | sed 's/,/, /g')"
    npm_name=$name
    [[ $name == leaflet-geoman ]] && npm_name=@geoman-io/leaflet-geoman-free
    echo "| $npm_name | ${VERSION[$npm_name]} | ${LICENCE[$npm_name]} | $files |"
  done
  cat <<EOF

## Edits made to upstream files

- All vendored \`.css\`/\`.js\`: the source-map comment line
  (\`/*# sourceMappingURL=… */\` or \`//# sourceMappingURL=…\`) is removed.
- \`bootstrap-icons/font/bootstrap-icons.min.css\`: the \`@font-face\` \`src\`
  lists only \`fonts/bootstrap-icons.woff2\` (the \`.woff\` fallback is not shipped).
- Directory layout: the npm \`dist/\` prefix is dropped (e.g.
  \`bootstrap/dist/css/…\` → \`bootstrap/css/…\`); paths that CSS files refer to
  (\`bootstrap-icons/font/fonts/\`, \`vazirmatn/fonts/webfonts/\`,
  \`leaflet/images/\`) are kept as upstream has them.
- \`@geoman-io/leaflet-geoman-free\` is kept under \`leaflet-geoman/\`; its CSS
  inlines its icons as \`data:\` SVGs (nothing is fetched for them).

## Licence notes

- \`bootstrap/js/bootstrap.bundle.min.js\` bundles Popper 2 (MIT);
  its licence is \`bootstrap/LICENSE-popper.md\` (from \`@popperjs/core@${VERSION[@popperjs/core]}\`).
- \`swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt\` holds the notices of the
  third-party code bundled in \`swagger-ui-bundle.js\`; \`NOTICE\` is Apache-2.0's.
- Vazirmatn is under the SIL Open Font License 1.1 (\`vazirmatn/OFL.txt\`,
  authors in \`vazirmatn/AUTHORS.txt\`).

## Using them without outside hosts

- Swagger UI: use the default \`BaseLayout\` (the standalone preset is not
  vendored) and pass \`validatorUrl: null\` to \`SwaggerUIBundle({...})\`
  anyway: the online-validator badge, shown by the standalone layout, would
  otherwise load an image from \`validator.swagger.io\` for any spec URL not
  on localhost.
- Leaflet: the library itself loads nothing remote, but a tile layer does;
  point \`L.tileLayer\` at a tile server the deployment can reach.
- Vazirmatn: \`Vazirmatn-Variable-font-face.css\` declares the family
  \`Vazirmatn\` with weights 100–900 from the single variable woff2.
EOF
} > "$DEST/README.md"

echo "vendor-static: done; $(du -sh "$DEST" | cut -f1) in $DEST"
