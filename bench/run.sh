#!/usr/bin/env bash
# Whole-process benchmark: `podnet diagnose` against the manual jq/grep checks of the seed
# runbook, on the same generated snapshot, in one run, each timed with GNU time -v.
#
#   bench/run.sh OUTDIR [--record] [--no-podnet] [-- GENERATOR OPTIONS]
#
#   OUTDIR        snapshot directory; generated with bench/GenerateCluster.java when it has no
#                 ground-truth.json (use /tmp/podnet-bench, not a path inside the repository)
#   --record      also save the Markdown table to bench/results/<date>-diagnose.md
#   --no-podnet   time only the jq/grep reference checks (while the jar is not built yet)
#   -- ...        options passed to the generator, e.g. -- --nodes 500 --pods 15000 --events 30000
set -euo pipefail

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }

out=""
record=0
podnet=1
gen_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --record) record=1 ;;
    --no-podnet) podnet=0 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; gen_args=("$@"); break ;;
    -*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 3 ;;
    *) if [ -z "$out" ]; then out="$1"; else echo "run.sh: unexpected argument $1" >&2; exit 3; fi ;;
  esac
  shift
done
if [ -z "$out" ]; then usage >&2; exit 3; fi

repo="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
case "$out/" in
  "$repo"/*) echo "run.sh: $out is inside the repository; generate the ~2 GB snapshot elsewhere (e.g. /tmp/podnet-bench)" >&2; exit 3 ;;
esac

# --- tools -------------------------------------------------------------------------------------
need_pkg() { # command package
  if command -v "$1" >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "run.sh: installing Debian package $2" >&2
    apt-get install -y -q "$2" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "$2" >/dev/null; }
  fi
  command -v "$1" >/dev/null 2>&1 || { echo "run.sh: $1 is missing: apt-get install $2" >&2; exit 4; }
}
if ! /usr/bin/time -v true >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "run.sh: installing Debian package time (GNU time)" >&2
    apt-get install -y -q time >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q time >/dev/null; }
  fi
  /usr/bin/time -v true >/dev/null 2>&1 || { echo "run.sh: GNU time is missing: apt-get install time" >&2; exit 4; }
fi
need_pkg jq jq
need_pkg java default-jdk-headless

# --- podnet must be built (checked before spending minutes on data) ------------------------------
if [ "$podnet" = 1 ]; then
  if [ ! -x "$repo/bin/podnet" ] || [ ! -f "$repo/target/podnet.jar" ]; then
    {
      echo "run.sh: podnet is not built (need an executable bin/podnet and target/podnet.jar)."
      echo "        Build it first:  (cd $repo && ./mvnw -q package -DskipTests)"
      echo "        or time only the jq/grep checks:  bench/run.sh $out --no-podnet"
    } >&2
    exit 1
  fi
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# time_cmd ID OUTFILE CMD... : runs CMD with stdout to OUTFILE under GNU time; never fails
time_cmd() {
  local id="$1" dest="$2"
  shift 2
  /usr/bin/time -v -o "$tmp/$id.time" "$@" > "$dest" 2> "$tmp/$id.err" || true
}
wall_s() { # m:ss.cc or h:mm:ss -> seconds
  awk -F': ' '/Elapsed \(wall clock\)/ {
      n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$tmp/$1.time"
}
rss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$tmp/$1.time"; }
exit_of() {
  if grep -q 'Command terminated by signal' "$tmp/$1.time"; then
    grep 'Command terminated by signal' "$tmp/$1.time" | sed 's/.*signal /signal /'
  else
    awk -F': ' '/Exit status/ { print $2 }' "$tmp/$1.time"
  fi
}

# --- data --------------------------------------------------------------------------------------
generated=0
if [ ! -f "$out/ground-truth.json" ]; then
  avail_kb="$(df -Pk "$out" | awk 'NR == 2 { print $4 }')"
  if [ "$avail_kb" -lt $((4 * 1024 * 1024)) ]; then
    echo "run.sh: less than 4 GB free under $out; the default snapshot needs about 2.5 GB" >&2
    exit 4
  fi
  echo "run.sh: generating the snapshot into $out (takes a few minutes at full size)" >&2
  time_cmd generate "$tmp/generate.out" java "$repo/bench/GenerateCluster.java" "$out" "${gen_args[@]}"
  if [ "$(exit_of generate)" != 0 ]; then
    cat "$tmp/generate.err" >&2
    echo "run.sh: the generator failed" >&2
    exit 4
  fi
  cat "$tmp/generate.out"
  generated=1
fi
c="$out/cluster"
for f in nodes pods events; do
  [ -f "$c/$f.json" ] || { echo "run.sh: $c/$f.json is missing" >&2; exit 4; }
done

# every command reads the files from the page cache, as the baselines in java-stack.md did
cat "$c"/*.json > /dev/null
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- measurements ------------------------------------------------------------------------------
ids=()
labels=()
outputs=()
# labels are Markdown table cells: a "|" inside a code span must be escaped there
add() { ids+=("$1"); labels+=("${2//|/\\|}"); outputs+=("$3"); }

if [ "$podnet" = 1 ]; then
  echo "run.sh: podnet diagnose" >&2
  time_cmd podnet /dev/null "$repo/bin/podnet" diagnose --snapshot "$out" -o json
  add podnet "\`bin/podnet diagnose --snapshot OUTDIR -o json > /dev/null\`" ""
fi
echo "run.sh: jq: nodes and their podCIDR" >&2
time_cmd jq_cidr "$tmp/jq_cidr.tsv" jq -r '.items[] | [.metadata.name, .spec.podCIDR] | @tsv' "$c/nodes.json"
add jq_cidr "\`jq -r '.items[] | [.metadata.name, .spec.podCIDR] | @tsv' nodes.json\`" "$tmp/jq_cidr.tsv"

echo "run.sh: jq: Pending pods (ContainerCreating and others)" >&2
pending_filter='.items[] | select(.status.phase=="Pending") | [.metadata.namespace, .metadata.name, (.spec.nodeName // ""), ([.status.containerStatuses[]?.state.waiting.reason // empty] | first // "")] | @tsv'
time_cmd jq_pending "$tmp/jq_pending.tsv" jq -r "$pending_filter" "$c/pods.json"
add jq_pending "\`jq -r '.items[] | select(.status.phase==\"Pending\") | [ns, name, node, waiting reason] | @tsv' pods.json\`" "$tmp/jq_pending.tsv"

echo "run.sh: jq: FailedCreatePodSandBox events" >&2
events_filter='.items[] | select(.reason=="FailedCreatePodSandBox") | [.involvedObject.namespace, .involvedObject.name, (.source.host // ""), .message] | @tsv'
time_cmd jq_events "$tmp/jq_events.tsv" jq -r "$events_filter" "$c/events.json"
add jq_events "\`jq -r '.items[] | select(.reason==\"FailedCreatePodSandBox\") | [ns, pod, node, message] | @tsv' events.json\`" "$tmp/jq_events.tsv"

echo "run.sh: grep -c" >&2
time_cmd grep_events "$tmp/grep_events.txt" grep -c FailedCreatePodSandBox "$c/events.json"
add grep_events "\`grep -c FailedCreatePodSandBox events.json\`" "$tmp/grep_events.txt"

# --- report ------------------------------------------------------------------------------------
size_mb() { [ -f "$1" ] && awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.0f", b / 1e6 }' || echo "-"; }
gt() { jq -r "$1" "$out/ground-truth.json" 2>/dev/null || echo "?"; }
result_of() { # what a command printed, for checking it against the ground truth
  case "$1" in
    podnet) echo "-" ;;
    grep_events) cat "$2" ;;
    jq_pending) echo "$(wc -l < "$2") lines, $(awk -F'\t' '$4 == "ContainerCreating"' "$2" | wc -l) ContainerCreating" ;;
    *) echo "$(wc -l < "$2") lines" ;;
  esac
}

report="$tmp/report.md"
{
  echo "# podnet diagnose vs manual jq/grep checks"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- host: $(nproc) cores ($(lscpu 2>/dev/null | awk -F': *' '/Model name/ { print $2; exit }')), $(free -g | awk '/Mem:/ { print $2 }') GiB RAM; files read from the page cache"
  echo "- java: $(java -version 2>&1 | head -1); jq: $(jq --version); grep: $(grep --version | head -1)"
  echo "- snapshot: $out (seed $(gt .generator.seed), $(gt .counts.nodes) nodes, $(gt .counts.pods) pods, $(gt .counts.events) events, indent $(gt .generator.indent))"
  echo "- sizes: nodes.json $(size_mb "$c/nodes.json") MB, pods.json $(size_mb "$c/pods.json") MB, events.json $(size_mb "$c/events.json") MB"
  echo "- ground truth: $(gt .counts.pendingPods) Pending pods ($(gt .counts.containerCreatingPods) ContainerCreating, $(gt .counts.sandboxFailingPods) of them with sandbox failures on $(gt '.problems | length') problem nodes), $(gt .counts.failedCreatePodSandBoxEvents) FailedCreatePodSandBox events"
  echo "- one run per command, in sequence; GNU time -v (wall clock, maximum resident set size)"
  echo "- load average (1/5/15 min) before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg) (anything above ~0.1 means other processes shared the $(nproc) cores)"
  echo
  if [ "$generated" = 1 ]; then
    echo "Generator (this run): \`java bench/GenerateCluster.java OUTDIR${gen_args[*]:+ ${gen_args[*]}}\`: $(wall_s generate) s wall, $(rss_mb generate) MB peak RSS."
    echo
  fi
  echo "| command | wall s | peak RSS MB | exit | result |"
  echo "|---|---:|---:|---:|---|"
  for i in "${!ids[@]}"; do
    id="${ids[$i]}"
    echo "| ${labels[$i]} | $(wall_s "$id") | $(rss_mb "$id") | $(exit_of "$id") | $(result_of "$id" "${outputs[$i]}") |"
  done
  if [ "$podnet" = 1 ]; then
    pw="$(wall_s podnet)"
    pr="$(rss_mb podnet)"
    echo
    echo "| podnet vs | speed × (check wall / podnet wall) | memory fraction (podnet RSS / check RSS) |"
    echo "|---|---:|---:|"
    for i in "${!ids[@]}"; do
      id="${ids[$i]}"
      [ "$id" = podnet ] && continue
      awk -v l="${labels[$i]}" -v jw="$(wall_s "$id")" -v jr="$(rss_mb "$id")" -v pw="$pw" -v pr="$pr" 'BEGIN {
        speed = (pw > 0) ? sprintf("%.2f", jw / pw) : "-"; mem = (jr > 0) ? sprintf("%.3f", pr / jr) : "-";
        printf "| %s | %s | %s |\n", l, speed, mem }'
    done
    jq_wall=0
    jq_rss=0
    for id in jq_cidr jq_pending jq_events; do
      jq_wall="$(awk -v a="$jq_wall" -v b="$(wall_s "$id")" 'BEGIN { printf "%.2f", a + b }')"
      jq_rss="$(awk -v a="$jq_rss" -v b="$(rss_mb "$id")" 'BEGIN { print (b > a) ? b : a }')"
    done
    awk -v jw="$jq_wall" -v jr="$jq_rss" -v pw="$pw" -v pr="$pr" 'BEGIN {
      printf "| the three jq checks together (%s s, peak %s MB) | %s | %s |\n", jw, jr,
        (pw > 0) ? sprintf("%.2f", jw / pw) : "-", (jr > 0) ? sprintf("%.3f", pr / jr) : "-" }'
    echo
    echo "podnet runs every check in one pass; each jq line is one manual check of the runbook, so an engineer pays their sum."
  fi
} > "$report"

cat "$report"

if [ "$podnet" = 1 ]; then
  code="$(exit_of podnet)"
  case "$code" in
    0|1|2) ;;
    *) echo >&2; echo "run.sh: podnet diagnose failed (exit $code):" >&2; tail -20 "$tmp/podnet.err" >&2; exit 1 ;;
  esac
fi

if [ "$record" = 1 ]; then
  mkdir -p "$repo/bench/results"
  dest="$repo/bench/results/$(date +%F)-diagnose.md"
  n=2
  while [ -e "$dest" ]; do dest="$repo/bench/results/$(date +%F)-$n-diagnose.md"; n=$((n + 1)); done
  cp "$report" "$dest"
  echo "run.sh: recorded $dest" >&2
fi
