#!/bin/bash
# Builds the Dockerfile without a Docker engine or a container registry (neither is reachable on the
# project's machines): the base image is made from Debian's packages (debootstrap bookworm) plus this
# host's Node 20 and its CA bundle, then buildah builds the Dockerfile on it (chroot isolation, vfs
# storage, no daemon) and runs the CLI in the image as uid 1000. Needs root, buildah and debootstrap
# (apt-get install -y buildah debootstrap). Measured: about 90 s for the base, 180 s for the image.
# In a place that reaches Docker Hub, `docker build .` or `buildah bud .` needs none of this.
set -euo pipefail
rootfs=${ROOTFS:-/tmp/telemetry-publisher-rootfs}
base=localhost/node20-local:bookworm
image=${IMAGE:-localhost/telemetry-publisher:local}
store=(--storage-driver vfs)

if [ ! -x "$rootfs/usr/bin/node" ]; then
  rm -rf "$rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian
  cp "$(command -v node)" "$rootfs/usr/bin/node"
  mkdir -p "$rootfs/usr/lib/node_modules"
  cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$rootfs/usr/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/bin/npx"
fi
# The network's TLS proxy is trusted through the host's bundle; npm in the build needs it too.
cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"

container=$(buildah "${store[@]}" from scratch)
buildah "${store[@]}" copy "$container" "$rootfs" /
buildah "${store[@]}" config --env PATH=/usr/local/bin:/usr/bin:/bin \
  --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt "$container"
buildah "${store[@]}" commit --rm "$container" "$base"

cd "$(dirname "$0")/.."
buildah "${store[@]}" bud --isolation chroot --build-arg NODE_IMAGE="$base" -t "$image" .
check=$(buildah "${store[@]}" from "$image")
trap 'buildah "${store[@]}" rm "$check" >/dev/null' EXIT
buildah "${store[@]}" run --isolation chroot --user 1000:1000 "$check" -- node /app/bin/telemetry-publisher.js --version
