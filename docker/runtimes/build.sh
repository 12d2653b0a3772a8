#!/usr/bin/env bash
# Builds lambdalite/runtime:<id> for every runtime id of src/runtimes/table.ts (or the ids given),
# FROM lambdalite/base:bookworm (docker/base/build.sh), with no registry: the build context is a
# temp folder holding this folder's files and lambdalite's own runtime clients. An image whose
# inputs (context files and base image) have not changed is kept, so a second run takes a second.
# Every nodejs* id gets the base image's Node.js and every python* id Debian's python3, as the
# process executor gives them the host's. The first build installs curl from Debian's mirror (as
# docker/base/build.sh needs it too); nothing comes from a container registry.
#   npm ci && npm run build && docker/base/build.sh && docker/runtimes/build.sh [runtime-id...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
base="${LAMBDALITE_BASE_IMAGE:-lambdalite/base:bookworm}"
table="$root/dist/runtimes/table.js"
client="$root/dist/runtimes/node/client.js"
[ -f "$table" ] && [ -f "$client" ] || { echo "the runtime clients are not built: run npm ci && npm run build first" >&2; exit 1; }
base_id="$(docker image inspect -f '{{.Id}}' "$base" 2>/dev/null)" \
  || { echo "$base is missing: run docker/base/build.sh first" >&2; exit 1; }

ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
cp -p "$here/Dockerfile" "$here/lambda-entrypoint.sh" "$here/bootstrap-nodejs" "$here/bootstrap-python" "$ctx/"
cp -p "$root/src/runtimes/python/bootstrap.py" "$ctx/"
mkdir "$ctx/node"
cp -p "$root"/dist/runtimes/node/*.js "$ctx/node/"
echo '{"type":"module"}' > "$ctx/node/package.json"
inputs="$( (cd "$ctx" && find . -type f | LC_ALL=C sort | xargs sha256sum && echo "$base_id") | sha256sum | cut -c1-16)"

# "id family" lines from the runtime table itself, so a runtime added there gets its image here.
mapfile -t runtimes < <(node -e '
  import(process.argv[1]).then(({ RUNTIMES }) => {
    const wanted = process.argv.slice(2);
    for (const [id, e] of Object.entries(RUNTIMES)) if (!wanted.length || wanted.includes(id)) console.log(id, e.family);
  });' "$table" "$@")
[ "${#runtimes[@]}" -gt 0 ] || { echo "no such runtime id: $*" >&2; exit 1; }

for line in "${runtimes[@]}"; do
  read -r id family <<<"$line"
  tag="lambdalite/runtime:$id"
  if [ "$(docker image inspect -f '{{index .Config.Labels "lambdalite.inputs"}}' "$tag" 2>/dev/null)" = "$inputs" ]; then
    echo "$tag is up to date"
    continue
  fi
  # The classic builder: it needs no buildx plugin and takes FROM a local image as it is.
  # Its output (a deprecation notice, the image id) is shown only when the build fails.
  if ! out="$(DOCKER_BUILDKIT=0 docker build -q --target "$family" --build-arg "BASE=$base" \
    --label "lambdalite.inputs=$inputs" --label "lambdalite.runtime=$id" -t "$tag" "$ctx" 2>&1)"; then
    echo "$out" >&2
    exit 1
  fi
  echo "built $tag"
done
