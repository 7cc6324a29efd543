#!/usr/bin/env bash
# The k8s/ test: renders every overlay with `kubectl kustomize` and validates it (validate.mjs:
# Kubernetes and Gateway API schemas from npm, pinned by package-lock.json, plus cross-object
# rules); then checks that broken variants are rejected.
# Usage: run.sh [WORK_DIR]   (npm installs into WORK_DIR; default: a temporary directory)
# Exit 77 (skipped) when kubectl, node or npm is missing.
set -euo pipefail
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
k8s=$(dirname -- "$here")
root=$(dirname -- "$k8s")
for tool in kubectl node npm; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not found (needed to render and validate k8s/)"; exit 77; }
done
start=$(date +%s%N)

work=${1:-}
if [[ -z $work ]]; then
  work=$(mktemp -d)
  trap 'rm -rf -- "$work"' EXIT
fi
mkdir -p -- "$work"
# The validator runs from WORK_DIR so that its imports resolve to WORK_DIR/node_modules.
cp -- "$here/package.json" "$here/package-lock.json" "$here/validate.mjs" "$work/"
stamp=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
if [[ ! -d $work/node_modules || $(cat "$work/node_modules/.allies-lock" 2>/dev/null) != "$stamp" ]]; then
  echo "npm ci (kubernetes-models, @kubernetes-models/gateway-api, yaml; pinned by package-lock.json)"
  (cd -- "$work" && npm ci --no-audit --no-fund --loglevel=error) ||
    { echo "FAIL: npm ci failed (the npm registry must be reachable)"; exit 1; }
  echo "$stamp" >"$work/node_modules/.allies-lock"
fi

failed=0
validate() {  # validate NAME KUSTOMIZATION_DIR PROFILE
  local out=$work/$1.yaml
  if ! kubectl kustomize "$2" >"$out" 2>"$work/$1.err"; then
    echo "FAIL: kubectl kustomize $2:"; cat "$work/$1.err"; failed=1; return
  fi
  node "$work/validate.mjs" --profile "$3" --protos "$root/proto/allies/v1" "$out" || failed=1
}
echo "== rendering and validating the overlays"
kubectl version --client 2>/dev/null | sed 's/^/   /'
for dir in "$k8s"/overlays/*/; do
  name=$(basename -- "$dir")
  validate "$name" "$dir" "$name"
done

echo "== broken variants must be rejected"
# End to end: a kustomization that removes a PodDisruptionBudget.
kubectl kustomize "$here/fixtures/production-without-pdb" >"$work/broken.yaml"
if node "$work/validate.mjs" --profile production "$work/broken.yaml" >"$work/broken.out"; then
  echo "FAIL: fixtures/production-without-pdb was accepted"; failed=1
elif grep -q 'Deployment/allies-library: no PodDisruptionBudget selects its pods' "$work/broken.out"; then
  echo "  rejected as expected: fixtures/production-without-pdb ($(grep -c PROBLEM "$work/broken.out") problem)"
else
  echo "FAIL: fixtures/production-without-pdb rejected for another reason:"; cat "$work/broken.out"; failed=1
fi
# In memory: each of validate.mjs's mutations of the production rendering must be caught.
node "$work/validate.mjs" --self-test --protos "$root/proto/allies/v1" "$work/production.yaml" || failed=1

ms=$(( ($(date +%s%N) - start) / 1000000 ))
printf '== %s in %d.%03d s\n' "$( ((failed)) && echo FAILED || echo passed)" $((ms / 1000)) $((ms % 1000))
exit "$failed"
