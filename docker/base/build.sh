#!/usr/bin/env bash
# Builds lambdalite/base:bookworm, the local base image every lambdalite image here starts FROM,
# with no registry: a Debian bookworm root filesystem from debootstrap (Debian's mirror, which
# these machines reach) with python3, make and g++, plus this machine's own Node.js (binary, npm
# and headers, so node-gyp builds native modules without downloading headers) and its CA bundle
# (so npm inside a build trusts what the host trusts). `docker import` turns it into an image.
# Where a registry is reachable, the official images (node:20-bookworm, public.ecr.aws/lambda/...)
# serve instead; see docker/README.md.
#   docker/base/build.sh [image-tag]      (default lambdalite/base:bookworm; skips if it exists)
set -euo pipefail
tag="${1:-lambdalite/base:bookworm}"
if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag exists"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "debootstrap is needed: apt-get install debootstrap" >&2; exit 1; }
node_bin="$(readlink -f "$(command -v node)")"
node_prefix="$(dirname "$(dirname "$node_bin")")"
rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase --include=python3,make,g++,ca-certificates \
  bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
install -m 0755 "$node_bin" "$rootfs/usr/bin/node"
mkdir -p "$rootfs/usr/lib/node_modules" "$rootfs/usr/include"
cp -a "$node_prefix/lib/node_modules/npm" "$rootfs/usr/lib/node_modules/"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/bin/npx"
cp -a "$node_prefix/include/node" "$rootfs/usr/include/"
cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | docker import \
  -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  -c 'ENV npm_config_nodedir=/usr' \
  -c 'CMD ["/bin/bash"]' - "$tag" >/dev/null
echo "built $tag"
