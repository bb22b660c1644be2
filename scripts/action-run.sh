#!/usr/bin/env bash
# The steps of the docsteward GitHub Action (action.yml), kept here so that tests can run
# them with a simulated runner environment.
# Usage: action-run.sh cache-key | history-key | install | build | check | release-target
#
# Inputs arrive as INPUT_* variables set by action.yml's `env:` blocks, never spliced into
# the script text, so that no input can inject shell code.
set -euo pipefail

action_path=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set: run this from action.yml}
# Kept inside the cargo home so that actions/cache restores the build with the registry.
target_dir="$HOME/.cargo/docsteward-target"

# Appends `name=value` to the step's outputs (a no-op outside Actions).
output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  fi
}

# The cache key: the runner OS and a hash of the action's sources, so a new version of the
# action builds anew while the restore-keys prefix still brings back the dependencies.
cache_key() {
  local hash
  hash=$(cd "$action_path" && find Cargo.toml Cargo.lock src rules -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
  output key "docsteward-${RUNNER_OS:-unknown}-$hash"
  output restore-prefix "docsteward-${RUNNER_OS:-unknown}-"
}

# Where docsteward keeps its history cache on the runner (DOCSTEWARD_CACHE_DIR when the
# workflow sets it): the folder the action restores and saves with actions/cache.
history_dir() {
  echo "${DOCSTEWARD_CACHE_DIR:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/docsteward-history}"
}

# The history cache's key: this run's commit, so each run saves what it walked. A pull
# request restores its base commit's cache first (saved by the run on the base branch),
# then the newest of any: the walk then reads only the commits the cache does not have.
history_key() {
  local prefix="docsteward-history-${RUNNER_OS:-unknown}-" base
  base=$(event_base)
  output dir "$(history_dir)"
  output key "$prefix${GITHUB_SHA:-unknown}"
  output restore-base "${base:+$prefix$base}"
  output restore-prefix "$prefix"
}

# The release asset for this runner: the Rust target triple, or nothing when the release
# workflow builds none for it.
release_target() {
  local os=${RUNNER_OS:-$(uname -s)} arch=${RUNNER_ARCH:-$(uname -m)}
  case "$os/$arch" in
    Linux/X64 | Linux/x86_64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64 | Linux/aarch64) echo aarch64-unknown-linux-musl ;;
    macOS/X64 | Darwin/x86_64) echo x86_64-apple-darwin ;;
    macOS/ARM64 | Darwin/arm64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) ;;
  esac
}

sha256() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# Installs the release binary of this action's version for this runner: the asset named in
# the release's SHA256SUMS, downloaded and checked against it. Returns 1 when there is
# nothing to download (no release for this ref, no asset for this runner): the caller then
# builds from source. A checksum that does not match fails the step: a tampered or broken
# download must never run, nor be papered over by a build.
download() {
  local version tag target asset base sums dir expected actual
  version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$action_path/Cargo.toml" | head -n 1)
  tag="v$version"
  # A branch or a commit of the action is newer than any release: build that source.
  case "${GITHUB_ACTION_REF:-$tag}" in
    v[0-9]*) ;;
    *)
      echo "The action runs at ${GITHUB_ACTION_REF}, not a release tag: building from source."
      return 1
      ;;
  esac
  target=$(release_target)
  if [ -z "$target" ]; then
    echo "No release binary for ${RUNNER_OS:-$(uname -s)} ${RUNNER_ARCH:-$(uname -m)}: building from source."
    return 1
  fi
  asset="docsteward-$target.tar.gz"
  [ "$target" = x86_64-pc-windows-msvc ] && asset="docsteward-$target.zip"
  # DOCSTEWARD_RELEASE_URL exists for the action's tests, which serve a release locally.
  base=${DOCSTEWARD_RELEASE_URL:-${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_ACTION_REPOSITORY:-docsteward/docsteward}/releases/download/$tag}
  dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/docsteward-$tag"
  mkdir -p "$dir" || exit 3
  sums="$dir/SHA256SUMS"
  if ! curl -fsSL --retry 3 -o "$sums" "$base/SHA256SUMS"; then
    echo "No release $tag to download from $base: building from source."
    return 1
  fi
  expected=$(awk -v name="$asset" '$2 == name || $2 == "*" name { print $1; exit }' "$sums")
  if [ -z "$expected" ]; then
    echo "Release $tag has no $asset: building from source."
    return 1
  fi
  if ! curl -fsSL --retry 3 -o "$dir/$asset" "$base/$asset"; then
    echo "::warning title=docsteward::Release $tag lists $asset but it could not be downloaded: building from source."
    return 1
  fi
  actual=$(sha256 "$dir/$asset")
  if [ "$actual" != "$expected" ]; then
    echo "::error title=docsteward::$asset from $base has SHA-256 $actual, but the release's SHA256SUMS says $expected. Not installing it."
    rm -f "$dir/$asset"
    exit 3
  fi
  mkdir -p "$dir/bin"
  # Called as a condition, this function runs without `set -e`: every failure is explicit.
  case "$asset" in
    *.zip) unzip -q -o "$dir/$asset" -d "$dir/bin" ;;
    *) tar -xzf "$dir/$asset" -C "$dir/bin" ;;
  esac || {
    echo "::error title=docsteward::$asset could not be unpacked."
    exit 3
  }
  if [ ! -f "$dir/bin/docsteward" ] && [ ! -f "$dir/bin/docsteward.exe" ]; then
    echo "::error title=docsteward::$asset holds no docsteward binary."
    exit 3
  fi
  echo "Installed docsteward $tag ($target, SHA-256 $actual)."
  if [ -n "${GITHUB_PATH:-}" ]; then
    echo "$dir/bin" >>"$GITHUB_PATH"
  fi
}

install() {
  if [ "${DOCSTEWARD_SKIP_INSTALL:-}" = 1 ]; then
    echo "DOCSTEWARD_SKIP_INSTALL=1: using $(command -v docsteward || echo 'docsteward from PATH')"
    output build false
    return 0
  fi
  if download; then
    output build false
  else
    output build true
  fi
}

# The fallback: cargo install from the action's source, into a target folder the cargo
# home cache keeps.
build() {
  if [ "${DOCSTEWARD_SKIP_INSTALL:-}" = 1 ]; then
    return 0
  fi
  CARGO_TARGET_DIR="$target_dir" cargo install --locked --path "$action_path"
  if [ -n "${GITHUB_PATH:-}" ]; then
    echo "${CARGO_HOME:-$HOME/.cargo}/bin" >>"$GITHUB_PATH"
  fi
}

# The base commit of the pull request that triggered the run, or nothing.
event_base() {
  case "${GITHUB_EVENT_NAME:-}" in
    pull_request | pull_request_target) ;;
    *) return 0 ;;
  esac
  [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ] || return 0
  if command -v jq >/dev/null; then
    jq -r '.pull_request.base.sha // empty' "$GITHUB_EVENT_PATH"
  else
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("pull_request", {}).get("base", {}).get("sha") or "")' "$GITHUB_EVENT_PATH"
  fi
}

check() {
  local fail_on=${INPUT_FAIL_ON:-error}
  local -a scope=() extra=() paths=() deny=()
  # The folder the history cache step restored: a pull request's walk reads its own commits.
  DOCSTEWARD_CACHE_DIR=$(history_dir)
  export DOCSTEWARD_CACHE_DIR
  case "$fail_on" in
    error | never) ;;
    warning) deny=(--deny-warnings) ;;
    *)
      echo "::error title=docsteward::fail-on must be error, warning or never, not '$fail_on'"
      return 2
      ;;
  esac
  if [ "${INPUT_CHANGED_ONLY:-true}" = true ]; then
    local base
    base=$(event_base)
    if [ -n "$base" ] && git cat-file -e "$base^{commit}" 2>/dev/null; then
      scope=(--changed-since "$base")
    elif [ -n "$base" ]; then
      # actions/checkout fetches one commit unless told otherwise: without the base there is
      # no change to scope to, and a check of everything beats no check at all.
      echo "::warning title=docsteward::The pull request's base commit $base is not in this clone (a shallow checkout), so every document is checked, not only what the pull request changes. Set fetch-depth: 0 in actions/checkout to report on the change only (staleness needs it too)."
    fi
  fi
  # Extra arguments are split at whitespace, without quotes or globs: nothing is evaluated.
  read -r -a extra <<<"${INPUT_ARGS:-}"
  # Paths: one per line, so that names with spaces work.
  while IFS= read -r line; do
    line=${line#"${line%%[![:space:]]*}"}
    line=${line%"${line##*[![:space:]]}"}
    [ -n "$line" ] && paths+=("$line")
  done <<<"${INPUT_PATHS:-}"

  local status=0
  docsteward check --format github "${scope[@]}" "${deny[@]}" "${extra[@]}" -- "${paths[@]}" || status=$?
  if [ -n "${INPUT_SARIF:-}" ] && [ "$status" -ne 2 ]; then
    # The job summary was written by the first run; this one must not add a second copy.
    GITHUB_STEP_SUMMARY='' docsteward check --format sarif --output "$INPUT_SARIF" "${scope[@]}" "${extra[@]}" -- "${paths[@]}" || {
      local sarif_status=$?
      [ "$sarif_status" -eq 1 ] || status=$sarif_status
    }
    output sarif "$INPUT_SARIF"
  fi
  output exit-code "$status"
  # 2 is not a finding but a broken run (bad configuration, unknown revision): it fails
  # whatever fail-on says, or a misconfigured check would pass silently.
  if [ "$status" -eq 2 ]; then
    return 2
  fi
  if [ "$fail_on" = never ]; then
    return 0
  fi
  return "$status"
}

case "${1:-}" in
  cache-key) cache_key ;;
  history-key) history_key ;;
  install) install ;;
  build) build ;;
  check) check ;;
  release-target) release_target ;;
  *)
    echo "usage: $0 cache-key | history-key | install | build | check | release-target" >&2
    exit 2
    ;;
esac
