#!/usr/bin/env bash
# docsteward's benchmark: times docsteward and the tools users would pick instead on the same
# corpora, and writes a Markdown table of medians and ratios. See bench/README.md.
#
#   bash bench/run.sh [--size tiny|full] [--repo PATH] [--peers]
#
# --size tiny   200 documents, 300 commits, one run each; no network needed without --peers
# --size full   10,000 documents (about 100,000 links), 20,000 commits; hyperfine, 1 warm-up, 5 runs
# --repo PATH   also time a real repository (read only: nothing there is changed)
# --peers       install (into bench/.cache) and time markdownlint-cli2, remark-validate-links,
#               rumdl and lychee
set -euo pipefail

SIZE=tiny
REAL_REPO=""
PEERS=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size) SIZE=${2:?--size needs tiny or full}; shift 2 ;;
    --size=*) SIZE=${1#--size=}; shift ;;
    --repo) REAL_REPO=${2:?--repo needs a path}; shift 2 ;;
    --repo=*) REAL_REPO=${1#--repo=}; shift ;;
    --peers) PEERS=1; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

SEED=1
LINKS_PER_DOC=10
case "$SIZE" in
  tiny) DOCS=200; COMMITS=300; WARMUP=0; RUNS=1; SLOW_RUNS=1; PERFILE_RUNS=1; SAMPLE=0 ;;
  full) DOCS=10000; COMMITS=20000; WARMUP=1; RUNS=5; SLOW_RUNS=3; PERFILE_RUNS=1; SAMPLE=500 ;;
  *) echo "run.sh: --size is tiny or full, not $SIZE" >&2; exit 2 ;;
esac
AS_OF=2030-01-01

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=$ROOT/bench/.cache
RESULTS=$ROOT/bench/results
mkdir -p "$CACHE" "$RESULTS"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/docsteward-bench.XXXXXX")
ROWS=$WORK/rows.tsv
: > "$ROWS"
NOTES=$WORK/notes.txt
: > "$NOTES"
# The history cache of this run only: the rows below say which runs may use it (cold rows
# pass --no-cache), and nothing is written to the user's cache folder.
export DOCSTEWARD_CACHE_DIR=$WORK/history-cache

trap 'echo "run.sh: failed at line $LINENO" >&2' ERR
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
note() { printf '%s\n' "$*" >> "$NOTES"; }

SUDO=""
if [ "$(id -u)" -ne 0 ] && have sudo; then SUDO=sudo; fi
APT_UPDATED=0
apt_install() {
  if ! have apt-get; then
    echo "run.sh: $* is missing and there is no apt-get to install it" >&2
    return 1
  fi
  if [ "$APT_UPDATED" = 0 ]; then
    $SUDO apt-get update -qq >&2
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >&2
}

# ---------------------------------------------------------------------------------------------
# Tools.

if [ "$SIZE" = full ] || [ "$PEERS" = 1 ]; then
  have hyperfine || { log "installing hyperfine"; apt_install hyperfine; }
  [ -x /usr/bin/time ] || { log "installing time"; apt_install time; }
fi
HYPERFINE=0
have hyperfine && HYPERFINE=1
GNU_TIME=0
[ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1 && GNU_TIME=1

# BENCH_PROFILE=debug reuses the test build: the CI smoke run checks that the script works,
# not how fast anything is.
PROFILE=${BENCH_PROFILE:-release}
log "building docsteward and the corpus generator ($PROFILE)"
if [ "$PROFILE" = debug ]; then
  (cd "$ROOT" && cargo build --locked --quiet --example gen_kb --bin docsteward)
else
  (cd "$ROOT" && cargo build --release --locked --quiet --example gen_kb --bin docsteward)
fi
# Cargo's target directory: CARGO_TARGET_DIR when set (relative to the repository, as cargo
# reads it there), else target/.
TARGET=${CARGO_TARGET_DIR:-target}
case "$TARGET" in /*) ;; *) TARGET=$ROOT/$TARGET ;; esac
DS=$TARGET/$PROFILE/docsteward
DSQ=$(printf %q "$DS")
GEN=$TARGET/$PROFILE/examples/gen_kb

# ---------------------------------------------------------------------------------------------
# The synthetic corpus, cached by its parameters and the generator's source.

GEN_HASH=$(sha1sum "$ROOT/examples/gen_kb.rs" | cut -c1-12)
CORPUS_DIR=${DOCSTEWARD_BENCH_CORPORA:-${TMPDIR:-/tmp}/docsteward-bench-corpora}
# corpus NAME [GEN_KB FLAGS...]: the corpus NAME made with those flags, generated once;
# prints its path.
corpus() {
  local name=$1 dir
  shift
  dir=$CORPUS_DIR/$name-seed$SEED-docs$DOCS-links$LINKS_PER_DOC-commits$COMMITS-$GEN_HASH
  if [ ! -f "$dir.done" ]; then
    log "generating the $name corpus: $DOCS documents, $COMMITS commits${*:+ ($*)}"
    mkdir -p "$CORPUS_DIR"
    rm -rf "$dir"
    "$GEN" --seed "$SEED" --docs "$DOCS" --links-per-doc "$LINKS_PER_DOC" --commits "$COMMITS" \
      "$@" "$dir" | tee "$dir.done.tmp" >&2
    mv "$dir.done.tmp" "$dir.done"
  else
    log "reusing the corpus $dir"
  fi
  echo "$dir"
}
CORPUS=$(corpus kb)
# The same knowledge base as an Obsidian vault: [[wikilinks]] and ![[embeds]].
VAULT=$(corpus vault --vault)
# A run interrupted during the staged test leaves a change behind: start clean, end clean.
git -C "$CORPUS" reset -q --hard HEAD
trap 'git -C "$CORPUS" reset -q --hard HEAD >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------------------------------------
# Peers.

NPM_BIN=$CACHE/npm/node_modules/.bin
RUMDL=""
LYCHEE=""
if [ "$PEERS" = 1 ]; then
  if [ ! -x "$NPM_BIN/markdownlint-cli2" ] || [ ! -x "$NPM_BIN/remark" ] \
    || [ ! -d "$CACHE/npm/node_modules/remark-validate-links" ]; then
    have npm || { log "installing npm"; apt_install npm; }
    log "installing markdownlint-cli2, remark-cli and remark-validate-links into bench/.cache/npm"
    mkdir -p "$CACHE/npm"
    npm install --prefix "$CACHE/npm" --no-audit --no-fund --loglevel=error \
      markdownlint-cli2 remark-cli remark-validate-links >&2
  fi
  RUMDL=$(command -v rumdl || true)
  USER_RUMDL=$(python3 -c 'import site; print(site.USER_BASE)')/bin/rumdl
  if [ -z "$RUMDL" ] && [ -x "$USER_RUMDL" ]; then RUMDL=$USER_RUMDL; fi
  if [ -z "$RUMDL" ]; then
    log "installing rumdl (pip install --user)"
    python3 -m pip install --user --quiet rumdl >&2 \
      || python3 -m pip install --user --quiet --break-system-packages rumdl >&2
    RUMDL=$USER_RUMDL
  fi
  LYCHEE=$(command -v lychee || true)
  if [ -z "$LYCHEE" ]; then
    LYCHEE=$CACHE/cargo/bin/lychee
    if [ ! -x "$LYCHEE" ]; then
      log "installing lychee (cargo install --locked; this takes several minutes)"
      cargo install --locked --quiet lychee --root "$CACHE/cargo" >&2
    fi
  fi
fi

# ---------------------------------------------------------------------------------------------
# Measuring.

# measure KEY RUNS WARMUP COMMAND [PREPARE]: the median wall time of COMMAND (run by bash,
# output discarded, exit status ignored: linters exit 1 when they find something), PREPARE
# run untimed before each run.
measure() {
  local key=$1 runs=$2 warmup=$3 cmd=$4 prepare=${5:-true} median
  log "timing $key: $cmd"
  if [ "$HYPERFINE" = 1 ]; then
    hyperfine --shell=bash --ignore-failure --style none --warmup "$warmup" --runs "$runs" \
      --prepare "$prepare" --export-json "$RESULTS/$key.json" "$cmd" >/dev/null
    median=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' \
      "$RESULTS/$key.json")
  else
    local t0 t1
    bash -c "$prepare" >/dev/null 2>&1 || true
    t0=$(date +%s%N)
    bash -c "$cmd" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    median=$(python3 -c "print(($t1 - $t0) / 1e9)")
  fi
  echo "$median"
}

# peak_rss COMMAND ARGS...: the peak resident set size in KiB of one run, or empty.
peak_rss() {
  [ "$GNU_TIME" = 1 ] || return 0
  /usr/bin/time -v -o "$WORK/time.txt" "$@" >/dev/null 2>&1 || true
  awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt"
}

# row SECTION KEY JOB COMMAND MEDIAN RSS_KIB NOTE
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$ROWS"; }

q() { printf '%q' "$1"; }

# dir_bytes DIR: the bytes of the files under DIR, 0 when there is no DIR.
dir_bytes() {
  if [ -d "$1" ]; then
    find "$1" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}'
  else
    echo 0
  fi
}

# suite SECTION DIR SYNTHETIC: every measurement on one repository.
suite() {
  local section=$1 dir=$2 synthetic=$3
  local d; d=$(q "$dir")
  local n_md; n_md=$(git -C "$dir" ls-files '*.md' | wc -l)
  local m rss cmd

  # (a) docsteward check, all default rules (stale/age reads history), without the cache.
  cmd="$DSQ -C $d check --format json --as-of $AS_OF --no-cache"
  m=$(measure "$section-check" "$RUNS" "$WARMUP" "$cmd")
  rss=$(peak_rss "$DS" -C "$dir" check --format json --as-of "$AS_OF" --no-cache)
  row "$section" check "whole run" "docsteward check --format json --as-of $AS_OF --no-cache" "$m" "$rss" ""

  # The same without history, cold too: what rumdl and lychee are compared with.
  if [ "$synthetic" = 1 ]; then
    cmd="$DSQ -C $d --config $d/docsteward-nohistory.toml check --format json --no-cache"
    m=$(measure "$section-check-nohistory" "$RUNS" "$WARMUP" "$cmd")
    rss=$(peak_rss "$DS" -C "$dir" --config "$dir/docsteward-nohistory.toml" check --format json --no-cache)
    row "$section" check-nohistory "whole run, no history" \
      'docsteward check --config docsteward-nohistory.toml --no-cache (stale/age off)' "$m" "$rss" ""
  fi

  # (g) the language server: the first index, then one edited document's diagnostics.
  if [ "$synthetic" = 1 ]; then
    local edited; edited=$(git -C "$dir" ls-files 'articles/*.md' | sed -n 1p)
    local lsp; lsp=$(python3 "$ROOT/bench/lsp_latency.py" "$DS" "$dir" "$edited" 20)
    row "$section" lsp-first "editor" \
      "docsteward lsp: initialized to the first diagnostics of one opened document" \
      "$(echo "$lsp" | awk '/^first/ {print $2}')" "" "one run"
    row "$section" lsp-edit "editor" \
      "docsteward lsp: a change to its diagnostics (median of 20 edits)" \
      "$(echo "$lsp" | awk '/^edit/ {print $2}')" "" "target: 0.05 s"
  fi

  # (d) the floor: every Markdown blob read from the object store, no parsing.
  cmd="git -C $d ls-files -s -z '*.md' | tr '\\0' '\\n' | cut -d' ' -f2 | git -C $d cat-file --batch"
  m=$(measure "$section-floor" "$RUNS" "$WARMUP" "$cmd")
  row "$section" floor "floor" "git ls-files -s '*.md' | git cat-file --batch" "$m" "" ""

  # (c) docsteward stale, without the cache.
  cmd="$DSQ -C $d stale --format json --as-of $AS_OF --no-cache"
  m=$(measure "$section-stale" "$RUNS" "$WARMUP" "$cmd")
  rss=$(peak_rss "$DS" -C "$dir" stale --format json --as-of "$AS_OF" --no-cache)
  row "$section" stale "history" "docsteward stale --format json --as-of $AS_OF --no-cache" "$m" "$rss" ""

  # (h) the history cache: cached at HEAD (nothing to walk), and cached 100 first-parent
  # commits back (what a CI run after a day of merges sees), restored before each run; on
  # a real repository too (issue 20's warm targets hold for any), as far back as it goes.
  local hc=$WORK/history-cache-$section
  local hcq; hcq=$(q "$hc")
  local job
  for job in stale check; do
    rm -rf "$hc"
    DOCSTEWARD_CACHE_DIR=$hc "$DS" -C "$dir" "$job" --format json --as-of "$AS_OF" >/dev/null || true
    cmd="DOCSTEWARD_CACHE_DIR=$hcq $DSQ -C $d $job --format json --as-of $AS_OF"
    m=$(measure "$section-$job-warm" "$RUNS" "$WARMUP" "$cmd")
    rss=""
    if [ "$job" = check ]; then
      rss=$(peak_rss env DOCSTEWARD_CACHE_DIR="$hc" "$DS" -C "$dir" check --format json --as-of "$AS_OF")
      local run_bytes; run_bytes=$(dir_bytes "$hc/runs")
      note "- Run cache ($section): $run_bytes bytes for the findings of one check of $n_md documents ($(python3 -c "print(round($run_bytes / $n_md * 1000 / 1024))") KiB per 1,000 documents); the warm check above is answered from it."
    fi
    row "$section" "$job-warm" "caches" "docsteward $job --format json --as-of $AS_OF (cached at HEAD)" "$m" "$rss" ""
    # The caches as a run before the last commit, or 100 first-parent commits back (what
    # a CI run after a day of merges sees), left them: restored before each run.
    local back
    for back in 1 100; do
      [ "$job" = stale ] && [ "$back" = 1 ] && continue
      git -C "$dir" rev-parse -q --verify "HEAD~$back^{commit}" >/dev/null || continue
      rm -rf "$hc" "$hc.back"
      DOCSTEWARD_CACHE_DIR=$hc.back "$DS" -C "$dir" "$job" --rev "HEAD~$back" --format json --as-of "$AS_OF" >/dev/null || true
      cmd="DOCSTEWARD_CACHE_DIR=$hcq $DSQ -C $d $job --format json --as-of $AS_OF"
      m=$(measure "$section-$job-warm-back-$back" "$RUNS" "$WARMUP" "$cmd" "rm -rf $hcq && cp -r $hcq.back $hcq")
      row "$section" "$job-warm-back-$back" "caches" \
        "docsteward $job --format json --as-of $AS_OF (cached at HEAD~$back)" "$m" "" ""
    done
  done
  local bytes
  bytes=$(dir_bytes "$hc.back/history")
  if [ "$bytes" -gt 0 ]; then note "- History cache ($section): $bytes bytes for one start commit of $n_md documents ($(python3 -c "print(round($bytes / $n_md * 1000 / 1024))") KiB per 1,000 documents)."; fi
  bytes=$(dir_bytes "$hc.back/parse")
  if [ "$bytes" -gt 0 ]; then note "- Parse cache ($section): $bytes bytes for $n_md documents ($(python3 -c "print(round($bytes / $n_md * 1000 / 1024))") KiB per 1,000 documents)."; fi
  rm -rf "$hc" "$hc.back"

  if [ "$synthetic" = 1 ]; then
    # A stat-dirty index: the same repository copied (every file's stat data now differs
    # from what its index records), checked without history.
    local copy=$WORK/copy-$section
    rm -rf "$copy" && cp -r "$dir" "$copy"
    cmd="$DSQ -C $(q "$copy") --config $(q "$copy")/docsteward-nohistory.toml check --format json --no-cache"
    m=$(measure "$section-check-stat-dirty" "$RUNS" "$WARMUP" "$cmd")
    row "$section" check-stat-dirty "whole run, no history" \
      'docsteward check --config docsteward-nohistory.toml --no-cache in a copy of the repository (stat-dirty index)' "$m" "" ""
    rm -rf "$copy"
  fi

  # (e) one git log pass.
  cmd="git -C $d log --name-only --format=%H%x00%ct"
  m=$(measure "$section-gitlog" "$RUNS" "$WARMUP" "$cmd")
  row "$section" gitlog "history" "git log --name-only --format=%H%x00%ct (one pass)" "$m" "" ""

  # (f) one git log per document; on the full size a sample of $SAMPLE, spread evenly.
  local sample=$WORK/sample.txt
  if [ "$SAMPLE" -gt 0 ] && [ "$n_md" -gt "$SAMPLE" ]; then
    git -C "$dir" ls-files '*.md' | awk -v n="$n_md" -v s="$SAMPLE" \
      'int((NR - 1) * s / n) != int(NR * s / n)' > "$sample"
  else
    git -C "$dir" ls-files '*.md' > "$sample"
  fi
  local n_sample; n_sample=$(wc -l < "$sample")
  cmd="while IFS= read -r f; do git -C $d log -1 --format=%ct -- \"\$f\"; done < $(q "$sample")"
  m=$(measure "$section-perfile" "$PERFILE_RUNS" 0 "$cmd")
  local scaled; scaled=$(python3 -c "print($m * $n_md / $n_sample)")
  local pf_note=""
  if [ "$n_sample" -lt "$n_md" ]; then
    pf_note="timed on $n_sample of $n_md documents ($(printf %.1f "$m") s), extrapolated linearly"
    note "- Per-file \`git log -1\` ($section): timed on a sample of $n_sample of the $n_md documents, spread evenly over \`git ls-files\`, and multiplied by $n_md/$n_sample."
  fi
  row "$section" perfile "history" "git log -1 --format=%ct -- PATH, per document" "$scaled" "" "$pf_note"

  # (b) check --staged with one staged document (synthetic corpus only: it stages a change).
  if [ "$synthetic" = 1 ]; then
    # (sed, not head: head would close the pipe early and pipefail would end the script)
    local doc; doc=$(git -C "$dir" ls-files 'articles/*.md' | sed -n 1p)
    printf '\nA staged edit for the benchmark.\n' >> "$dir/$doc"
    git -C "$dir" add -- "$doc"
    cmd="$DSQ -C $d check --staged --format json --as-of $AS_OF"
    m=$(measure "$section-staged" "$RUNS" "$WARMUP" "$cmd")
    rss=$(peak_rss "$DS" -C "$dir" check --staged --format json --as-of "$AS_OF")
    row "$section" staged "pre-commit" "docsteward check --staged (one staged document)" "$m" "$rss" ""
    cmd="$DSQ -C $d --config $d/docsteward-any-term.toml check --staged --format json --as-of $AS_OF"
    m=$(measure "$section-staged-any-term" "$RUNS" "$WARMUP" "$cmd")
    row "$section" staged-any-term "pre-commit" \
      'docsteward check --staged --config docsteward-any-term.toml (no [terms] defined-by)' "$m" "" ""
    git -C "$dir" reset -q --hard HEAD
  fi

  if [ "$PEERS" = 1 ]; then
    # Whole-run linting.
    cmd="cd $d && $(q "$RUMDL") check --no-cache ."
    m=$(measure "$section-rumdl" "$RUNS" "$WARMUP" "$cmd")
    rss=$(cd "$dir" && peak_rss "$RUMDL" check --no-cache .)
    row "$section" rumdl "whole run" "rumdl check --no-cache ." "$m" "$rss" ""

    cmd="cd $d && $(q "$NPM_BIN/markdownlint-cli2") '**/*.md'"
    m=$(measure "$section-markdownlint" "$SLOW_RUNS" 0 "$cmd")
    rss=$(cd "$dir" && peak_rss "$NPM_BIN/markdownlint-cli2" '**/*.md')
    row "$section" markdownlint "whole run" "markdownlint-cli2 '**/*.md' (default rules)" "$m" "$rss" ""

    # Local links and anchors.
    cmd="cd $d && $(q "$LYCHEE") --offline --include-fragments --no-progress '**/*.md'"
    m=$(measure "$section-lychee" "$RUNS" "$WARMUP" "$cmd")
    rss=$(cd "$dir" && peak_rss "$LYCHEE" --offline --include-fragments --no-progress '**/*.md')
    row "$section" lychee "links" "lychee --offline --include-fragments '**/*.md'" "$m" "$rss" ""

    cmd="cd $d && $(q "$RUMDL") check --no-cache --enable MD051,MD057 ."
    m=$(measure "$section-rumdl-links" "$RUNS" "$WARMUP" "$cmd")
    row "$section" rumdl-links "links" "rumdl check --enable MD051,MD057 ." "$m" "" ""

    local plugin=$CACHE/npm/node_modules/remark-validate-links/index.js
    cmd="cd $d && $(q "$NPM_BIN/remark") --quiet --no-stdout --use $(q "$plugin=repository:false") ."
    m=$(measure "$section-remark" "$SLOW_RUNS" 0 "$cmd")
    rss=$(cd "$dir" && peak_rss "$NPM_BIN/remark" --quiet --no-stdout --use "$plugin=repository:false" .)
    row "$section" remark "links" "remark --use remark-validate-links ." "$m" "$rss" ""
  fi
}

suite synthetic "$CORPUS" 1

# The vault: the whole run, with and without history, where every link resolves by name.
vault_section() {
  local d; d=$(q "$VAULT")
  local m rss cmd
  cmd="$DSQ -C $d check --format json --as-of $AS_OF --no-cache"
  m=$(measure vault-check "$RUNS" "$WARMUP" "$cmd")
  rss=$(peak_rss "$DS" -C "$VAULT" check --format json --as-of "$AS_OF" --no-cache)
  row vault check "whole run" "docsteward check --format json --as-of $AS_OF --no-cache" "$m" "$rss" ""
  cmd="$DSQ -C $d --config $d/docsteward-nohistory.toml check --format json --no-cache"
  m=$(measure vault-check-nohistory "$RUNS" "$WARMUP" "$cmd")
  rss=$(peak_rss "$DS" -C "$VAULT" --config "$VAULT/docsteward-nohistory.toml" check --format json --no-cache)
  row vault check-nohistory "whole run, no history" \
    'docsteward check --config docsteward-nohistory.toml --no-cache (stale/age off)' "$m" "$rss" ""
}
vault_section

# The hostile repository: every adversarial file at once (bench/gen_hostile.py); peak memory
# of `check` (target < 512 MiB). One run: it is a memory bound, not a race.
HOSTILE_SCALE=1
if [ "$SIZE" = tiny ]; then HOSTILE_SCALE=100; fi
# hostile_repo CASE NAME: bench/gen_hostile.py's repository for CASE, generated and committed
# once (cached by the scale and the generator's source); prints its path.
hostile_repo() {
  local case=$1 dir
  dir=$CORPUS_DIR/$2-scale$HOSTILE_SCALE-$(sha1sum "$ROOT/bench/gen_hostile.py" | cut -c1-12)
  if [ ! -f "$dir.done" ]; then
    log "generating the $2 repository (scale 1/$HOSTILE_SCALE)"
    rm -rf "$dir"
    python3 "$ROOT/bench/gen_hostile.py" --case "$case" "$dir" "$HOSTILE_SCALE"
    git -C "$dir" init -q
    git -C "$dir" add -A
    GIT_AUTHOR_DATE=2025-01-01T00:00:00Z GIT_COMMITTER_DATE=2025-01-01T00:00:00Z \
      git -C "$dir" -c user.name=bench -c user.email=bench@example.com commit -q -m "Hostile files"
    touch "$dir.done"
  fi
  echo "$dir"
}
HOSTILE=$(hostile_repo all hostile)
cmd="$DSQ -C $(q "$HOSTILE") check --format json --as-of $AS_OF --no-cache"
m=$(measure hostile-check 1 0 "$cmd")
rss=$(peak_rss "$DS" -C "$HOSTILE" check --format json --as-of "$AS_OF" --no-cache)
row hostile check "whole run" "docsteward check --format json --as-of $AS_OF --no-cache" "$m" "$rss" ""

# YAML expansion: front matter that once took gigabytes, three files per repository (the
# cases of tests/yaml_budget.rs); peak memory of `check`, target < 256 MiB each. One run.
yaml_expansion() {
  local case=$1 what=$2 dir
  dir=$(hostile_repo "$case" "hostile-$case")
  cmd="$DSQ -C $(q "$dir") check --format json --as-of $AS_OF --no-cache"
  m=$(measure "hostile-$case" 1 0 "$cmd")
  rss=$(peak_rss "$DS" -C "$dir" check --format json --as-of "$AS_OF" --no-cache)
  row hostile "check-$case" "whole run, $what" "docsteward check --format json --as-of $AS_OF --no-cache" "$m" "$rss" ""
}
yaml_expansion yaml-aliases "3 files of 20,000 YAML aliases of a 100 KB string"
yaml_expansion yaml-anchors "3 files of 126 YAML anchors nested around 80,000 scalars"

# The human format on long lines (bench/gen_hostile.py --render): 9,000 findings on one
# 54 KB line, and 10,000 findings at the end of an 8.5 MiB file. Each snippet must cost the
# same however long the line or the file (target: under 5 s each).
render_section() {
  local dir=$CORPUS_DIR/render-scale$HOSTILE_SCALE-$(sha1sum "$ROOT/bench/gen_hostile.py" | cut -c1-12)
  if [ ! -f "$dir.done" ]; then
    log "generating the long-line repository (scale 1/$HOSTILE_SCALE)"
    rm -rf "$dir"
    python3 "$ROOT/bench/gen_hostile.py" --render "$dir" "$HOSTILE_SCALE"
    git -C "$dir" init -q
    git -C "$dir" add -A
    GIT_AUTHOR_DATE=2025-01-01T00:00:00Z GIT_COMMITTER_DATE=2025-01-01T00:00:00Z \
      git -C "$dir" -c user.name=bench -c user.email=bench@example.com commit -q -m "Long lines"
    touch "$dir.done"
  fi
  local file key shape cmd m findings bytes
  for file in one-line.md end-of-large-file.md; do
    case "$file" in
      one-line.md) key=render-one-line; shape="on one {size} line" ;;
      *) key=render-large-file; shape="at the end of a file of {size}" ;;
    esac
    cmd="$DSQ -C $(q "$dir") check $file --format human"
    m=$(measure "$key" "$RUNS" "$WARMUP" "$cmd")
    findings=$("$DS" -C "$dir" check "$file" --format concise | grep -c 'links/missing-file' || true)
    bytes=$("$DS" -C "$dir" check "$file" --format human | wc -c || true)
    row render "$key" "human format" "docsteward check $file --format human" "$m" "" "$(python3 -c '
import sys
size, findings, out, shape = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
kb = lambda n: f"{n / 1048576:.1f} MiB" if n >= 1048576 else f"{n / 1000:.1f} KB"
print(f"{findings:,} findings {shape.format(size=kb(size))}; {kb(out)} of output, {out // max(findings, 1)} bytes per finding")
' "$(wc -c < "$dir/$file")" "$findings" "$bytes" "$shape")"
  done
}
render_section

if [ -n "$REAL_REPO" ]; then
  REAL_REPO=$(cd "$REAL_REPO" && pwd)
  suite real "$REAL_REPO" 0
fi

# ---------------------------------------------------------------------------------------------
# The report.

versions() {
  echo "- docsteward: $("$DS" --version) ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ', with local changes'))"
  echo "- $(git --version)"
  if [ "$HYPERFINE" = 1 ]; then echo "- $(hyperfine --version)"; fi
  if [ "$PEERS" = 1 ]; then
    echo "- rumdl: $("$RUMDL" --version 2>/dev/null | head -n 1)"
    echo "- lychee: $("$LYCHEE" --version 2>/dev/null | head -n 1)"
    echo "- markdownlint-cli2: $(node -p "require('$CACHE/npm/node_modules/markdownlint-cli2/package.json').version")"
    echo "- remark-cli: $(node -p "require('$CACHE/npm/node_modules/remark-cli/package.json').version"), remark-validate-links: $(node -p "require('$CACHE/npm/node_modules/remark-validate-links/package.json').version")"
    echo "- node: $(node --version)"
  fi
}

CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
MEM=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null || true)
export BENCH_DATE
BENCH_DATE=$(date -u +%Y-%m-%d)
export BENCH_MACHINE="${CPU:-unknown CPU}, $(nproc) cores, ${MEM:-unknown memory}, $(uname -sr)"
export BENCH_SIZE=$SIZE BENCH_RUNS=$RUNS BENCH_WARMUP=$WARMUP BENCH_SLOW_RUNS=$SLOW_RUNS BENCH_PERFILE_RUNS=$PERFILE_RUNS
export BENCH_HYPERFINE=$HYPERFINE
export BENCH_HOSTILE_SCALE=$HOSTILE_SCALE
export BENCH_CORPUS_LINE
BENCH_CORPUS_LINE=$(grep -E '^(documents|links|defects|commits|merges|renames):' "$CORPUS.done" | sed 's/^/  /')
export BENCH_VAULT_LINE
BENCH_VAULT_LINE=$(grep -E '^(documents|links|defects):' "$VAULT.done" | sed 's/^/  /')
export BENCH_REAL=$REAL_REPO
export BENCH_VERSIONS
BENCH_VERSIONS=$(versions)
export BENCH_NOTES
BENCH_NOTES=$(cat "$NOTES")
export BENCH_REAL_FACTS=""
if [ -n "$REAL_REPO" ]; then
  BENCH_REAL_FACTS="$(git -C "$REAL_REPO" ls-files '*.md' | wc -l) Markdown files, $(git -C "$REAL_REPO" rev-list --count HEAD) commits"
fi

python3 - "$ROWS" > "$WORK/latest.md" <<'PY'
import os, sys

rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
env = os.environ
by = {}
for section, key, job, cmd, median, rss, note in rows:
    by[(section, key)] = float(median)

# For each row: which docsteward figure it is compared with, and the target (issue 8).
#   compare: ratio = docsteward / this row;  target: (text, predicate on the ratio or the time)
def spec(section, key):
    d = lambda k: by.get((section, k))
    check, stale = d("check"), d("stale")
    if key == "floor":
        return check, "check", ("<= 2.5", lambda r, t: r <= 2.5)
    # Warm runs over the floor (issue 20): ratio = this row / floor.
    if key == "check-warm":
        return d("floor"), OVER_FLOOR, ("<= 2 x floor, peak RSS <= cold", lambda r, t: r <= 2)
    if key == "check-warm-back-1":
        return d("floor"), OVER_FLOOR, ("<= 3 x floor", lambda r, t: r <= 3)
    if key == "check-stat-dirty":
        return d("check-nohistory"), "check-nohistory", None
    if key == "gitlog":
        return stale, "stale", ("<= 0.75", lambda r, t: r <= 0.75)
    if key == "perfile":
        return stale, "stale", ("<= 0.02 (50x faster)", lambda r, t: r <= 0.02)
    if key == "markdownlint":
        return check, "check", ("<= 0.1 (10x faster)", lambda r, t: r <= 0.1)
    # Issue 20's targets: a cold check with history off (neither peer reads history).
    if key == "rumdl":
        return d("check-nohistory"), "check-nohistory", ("<= 0.33 (3x faster)", lambda r, t: r <= 1 / 3)
    if key == "lychee":
        return d("check-nohistory"), "check-nohistory", ("<= 0.67 (1.5x faster)", lambda r, t: r <= 1 / 1.5)
    if key in ("rumdl-links", "remark"):
        return check, "check", None
    if key == "staged":
        return None, "", ("< 0.150 s", lambda r, t: t < 0.150)
    if rss_limit(section, key):
        return None, "", (f"peak RSS < {rss_limit(section, key)} MiB", None)
    if key.startswith("render-"):
        return None, "", ("< 5 s", lambda r, t: t < 5)
    return None, "", None

OVER_FLOOR = "over floor"
rss_by = {(section, key): rss for section, key, job, cmd, median, rss, note in rows}

# The peak memory target of a row, in MiB, or None.
def rss_limit(section, key):
    if key.startswith("check-yaml-"):
        return 256
    if key == "check":
        return 512 if section == "hostile" else 300
    return None

def fmt_s(x):
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"

out = []
out.append(f"Benchmark of {env['BENCH_DATE']} on {env['BENCH_MACHINE']}.")
out.append("")
runs = (f"hyperfine, {env['BENCH_WARMUP']} warm-up run(s) and {env['BENCH_RUNS']} runs per command "
        f"({env['BENCH_SLOW_RUNS']} runs and no warm-up for markdownlint-cli2 and remark, {env['BENCH_PERFILE_RUNS']} for the per-file `git log` loop)"
        if env["BENCH_HYPERFINE"] == "1" else "one run per command timed with `date +%s%N` (hyperfine not installed)")
out.append(f"Size `{env['BENCH_SIZE']}`: median wall time of {runs}; peak memory from `/usr/bin/time -v`.")
out.append("")
sections = []
for r in rows:
    if r[0] not in sections:
        sections.append(r[0])
for section in sections:
    if section == "synthetic":
        out.append("Synthetic knowledge base (`examples/gen_kb.rs`, seed 1):")
        out.append("")
        out.append(env["BENCH_CORPUS_LINE"])
    elif section == "vault":
        out.append("The same knowledge base as an Obsidian vault (`examples/gen_kb.rs --vault`, seed 1): "
                   "links to notes written `[[note]]`, `[[note|text]]`, `[[note#Heading]]`, images `![[img.png]]`, "
                   "`.obsidian/` and `[site] generator = \"obsidian\"`, so every link resolves by name and every heading by its text:")
        out.append("")
        out.append(env["BENCH_VAULT_LINE"])
    elif section == "hostile":
        out.append("Hostile repository (`bench/gen_hostile.py`" + (f", every count divided by {env['BENCH_HOSTILE_SCALE']}" if env["BENCH_HOSTILE_SCALE"] != "1" else "") + "): a YAML alias bomb, "
                   "100,000 nested brackets, images, list levels and block quotes, a million broken links "
                   "in one file, 400,000 working links with anchors, a 9 MiB line, a 50 MiB "
                   "file, 400 KB of front matter, binary, UTF-16 and invalid UTF-8 files, and symbolic links "
                   "out of the repository; and two repositories of YAML expansion cases:")
    elif section == "render":
        out.append("The human format on long lines (`bench/gen_hostile.py --render`" + (f", every count divided by {env['BENCH_HOSTILE_SCALE']}" if env["BENCH_HOSTILE_SCALE"] != "1" else "") + "): "
                   "each finding's snippet is a window of its line, found through the line index:")
    else:
        out.append(f"Real repository `{env['BENCH_REAL']}` ({env['BENCH_REAL_FACTS']}):")
    out.append("")
    out.append("| Job | Command | Median (s) | docsteward / this | Target | Met | Peak RSS (MiB) |")
    out.append("|---|---|---:|---|---|---|---:|")
    for sec, key, job, cmd, median, rss, note in rows:
        if sec != section:
            continue
        t = float(median)
        base, label, target = spec(section, key)
        r = None
        if base is not None and t > 0:
            r = t / base if label == OVER_FLOOR else base / t
        ratio = f"{label}: {r:.3f}" if r is not None else ""
        met = ""
        if target is not None and target[1] is not None:
            if base is None and (key == "staged" or key.startswith("render-")):
                met = "yes" if target[1](None, t) else "**no**"
            elif r is not None:
                met = "yes" if target[1](r, t) else "**no**"
        if key == "check-warm" and rss and rss_by.get((section, "check")) and met:
            if int(rss) > int(rss_by[(section, "check")]):
                met = "**no**"
        if rss_limit(section, key) and rss:
            met = "yes" if int(rss) / 1024 < rss_limit(section, key) else "**no**"
        rss_s = f"{int(rss) / 1024:.0f}" if rss else ""
        cmd_s = f"`{cmd}`" + (f" ({note})" if note else "")
        cmd_s = cmd_s.replace("|", "\\|")
        out.append(f"| {job} | {cmd_s} | {fmt_s(t)} | {ratio} | {target[0] if target else ''} | {met} | {rss_s} |")
    out.append("")
out.append("Ratios are docsteward's median over the other command's: below 1, docsteward is faster.")
if env["BENCH_NOTES"]:
    out.append("")
    out.append(env["BENCH_NOTES"])
out.append("")
out.append("Versions:")
out.append("")
out.append(env["BENCH_VERSIONS"])
print("\n".join(out))
PY

# Only a full-size run replaces the recorded figures.
if [ "$SIZE" = full ]; then
  cp "$WORK/latest.md" "$RESULTS/latest.md"
  log "written to bench/results/latest.md"
fi
cat "$WORK/latest.md"
