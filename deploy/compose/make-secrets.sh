#!/bin/sh
# Writes the compose stack's secrets under deploy/compose/secrets/ (git-ignored), keeping any already there:
#   registry-db-password  the registry's PostgreSQL password (also given to the control plane)
#   admin-token           the first admin token (otaflow_<16 chars>_<43 chars>), registered by the control plane at start
# The files are bind-mounted into containers that run as other users, so they are mode 644 in a mode 700 directory.
set -eu
dir="$(cd "$(dirname "$0")" && pwd)/secrets"
mkdir -p "$dir" && chmod 700 "$dir"
random() { head -c "$1" /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
if [ ! -s "$dir/registry-db-password" ]; then
  random 24 > "$dir/registry-db-password"
fi
if [ ! -s "$dir/admin-token" ]; then
  printf 'otaflow_%s_%s\n' "$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')" "$(random 32)" > "$dir/admin-token"
fi
chmod 644 "$dir/registry-db-password" "$dir/admin-token"
echo "secrets in $dir; create people's tokens with: otaflow tokens create --token-file $dir/admin-token --user NAME --role ROLE"
