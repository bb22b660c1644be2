#!/usr/bin/env bash
# The steps of the docsteward GitHub Action (action.yml), kept here so that tests can run
# them with a simulated runner environment. Usage: action-run.sh cache-key | install | check
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

install() {
  if [ "${DOCSTEWARD_SKIP_INSTALL:-}" = 1 ]; then
    echo "DOCSTEWARD_SKIP_INSTALL=1: using $(command -v docsteward || echo 'docsteward from PATH')"
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
  install) install ;;
  check) check ;;
  *)
    echo "usage: $0 cache-key | install | check" >&2
    exit 2
    ;;
esac
