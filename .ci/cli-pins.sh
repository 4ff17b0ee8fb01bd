# Sourced by the install scripts: `pins` prints the lines of .ci/agent-cli-pins as
# "name kind package version bin", with SMART_AGENTS_CLI_VERSIONS (name=version,...) applied;
# "latest" asks the registry for its newest release.
pins() {
  local file overrides name kind pkg ver bin want
  file="$(dirname "${BASH_SOURCE[0]}")/agent-cli-pins"
  overrides=",${SMART_AGENTS_CLI_VERSIONS:-},"
  grep -v '^\s*#' "$file" | grep -v '^\s*$' | while read -r name kind pkg ver bin; do
    want=$(sed -n "s/.*,$name=\([^,]*\),.*/\1/p" <<<"$overrides")
    if [ -n "$want" ]; then ver="$want"; fi
    if [ "$ver" = latest ]; then
      if [ "$kind" = npm ]; then
        ver=$(npm view "$pkg" version 2>/dev/null | tail -n 1)
      else
        ver=$(python3 -m pip index versions "$pkg" 2>/dev/null | sed -n 's/.*(\(.*\)).*/\1/p' | head -n 1)
      fi
      [ -n "$ver" ] || { echo "agent CLIs: cannot tell the latest $pkg" >&2; continue; }
    fi
    echo "$name $kind $pkg $ver $bin"
  done
}
