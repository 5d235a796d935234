#!/usr/bin/env bash
# Log scan benchmark: podnet's LogScanner against grep on the same journal, in one run, each
# timed with GNU time -v (issue 4, item 2).
#
#   bench/logs.sh FILE [--size 1g] [--seed 42] [--failures 12] [--runs N]
#
#   FILE      a kubelet/containerd journal; generated with bench/GenerateJournal.java when it does
#             not exist (use /tmp/podnet-journal-1g.log, not a path inside the repository)
#   --size    size to generate (default 1g); --seed the generator's seed (default 42);
#             --failures failure events in a thousand (default 12, a failure storm; 1: a few)
#   --runs    how many times to run each command (default 1); every run is a row
#
#   PODNET_JAR   the jar to run (default: target/podnet.jar of this repository)
set -euo pipefail

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }

file=""
size=1g
seed=42
failures=12
runs=1
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift ;;
    --seed) seed="$2"; shift ;;
    --failures) failures="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "logs.sh: unknown option $1" >&2; usage >&2; exit 3 ;;
    *) if [ -z "$file" ]; then file="$1"; else echo "logs.sh: unexpected argument $1" >&2; exit 3; fi ;;
  esac
  shift
done
if [ -z "$file" ]; then usage >&2; exit 3; fi

repo="$(cd "$(dirname "$0")/.." && pwd)"
jar="${PODNET_JAR:-$repo/target/podnet.jar}"
mkdir -p "$(dirname "$file")"
dir="$(cd "$(dirname "$file")" && pwd)"
file="$dir/$(basename "$file")"
case "$file" in
  "$repo"/*) echo "logs.sh: $file is inside the repository; generate the journal elsewhere (e.g. /tmp)" >&2; exit 3 ;;
esac

# --- tools and jar (checked before spending a minute on data) -------------------------------------
if ! /usr/bin/time -v true >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "logs.sh: installing Debian package time (GNU time)" >&2
    apt-get install -y -q time >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q time >/dev/null; }
  fi
  /usr/bin/time -v true >/dev/null 2>&1 || { echo "logs.sh: GNU time is missing: apt-get install time" >&2; exit 4; }
fi
command -v java >/dev/null 2>&1 || { echo "logs.sh: java is missing: apt-get install default-jdk-headless" >&2; exit 4; }
if [ ! -f "$jar" ]; then
  {
    echo "logs.sh: $jar is missing."
    echo "        Build it first:  (cd $repo && ./mvnw -q package -DskipTests)"
    echo "        or point PODNET_JAR at a built podnet.jar."
  } >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

time_cmd() { # ID OUTFILE CMD... : runs CMD with stdout to OUTFILE under GNU time; never fails
  local id="$1" dest="$2"
  shift 2
  /usr/bin/time -v -o "$tmp/$id.time" "$@" > "$dest" 2> "$tmp/$id.err" || true
}
wall_s() {
  awk -F': ' '/Elapsed \(wall clock\)/ {
      n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$tmp/$1.time"
}
rss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$tmp/$1.time"; }
exit_of() { awk -F': ' '/Exit status/ { print $2 }' "$tmp/$1.time"; }

# --- data --------------------------------------------------------------------------------------
generated=""
if [ ! -f "$file" ]; then
  avail_kb="$(df -Pk "$dir" | awk 'NR == 2 { print $4 }')"
  if [ "$avail_kb" -lt $((3 * 1024 * 1024)) ]; then
    echo "logs.sh: less than 3 GB free under $dir" >&2
    exit 4
  fi
  echo "logs.sh: generating $size of journal into $file" >&2
  time_cmd generate "$file.truth.json" java "$repo/bench/GenerateJournal.java" "$file" --size "$size" --seed "$seed" --failures "$failures"
  [ "$(exit_of generate)" = 0 ] || { cat "$tmp/generate.err" >&2; echo "logs.sh: the generator failed" >&2; exit 4; }
  generated="Generated this run: \`java bench/GenerateJournal.java FILE --size $size --seed $seed --failures $failures\`: $(wall_s generate) s wall, $(rss_mb generate) MB peak RSS."
fi
bytes="$(stat -c %s "$file")"
cat "$file" > /dev/null # every command reads the file from the page cache
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- measurements ------------------------------------------------------------------------------
needle='failed to setup network for sandbox'
# The JVM floor: a JVM that reads the file as LogScanner does and counts its lines, nothing else.
javac -d "$tmp/floor" "$repo/bench/ReadFloor.java"
# The same search as podnet's prefilter, done by grep: every line holding one of its anchors.
java -cp "$jar" dev.podnet.node.logs.LogScanBench --anchors > "$tmp/anchors.txt"
anchors="$(wc -l < "$tmp/anchors.txt")"
# The class-data archive that package writes beside the jar, used as bin/podnet uses it.
cds=()
cds_note=""
if [ "$(dirname "$jar")/podnet.jsa" -nt "$jar" ]; then
  cds=("-XX:SharedArchiveFile=$(dirname "$jar")/podnet.jsa" "-Xlog:cds*=off")
  cds_note=" (with podnet.jsa, as bin/podnet)"
fi
rows=()
for run in $(seq 1 "$runs"); do
  echo "logs.sh: run $run/$runs" >&2
  time_cmd "grep$run" "$tmp/grep$run.out" grep -c "$needle" "$file"
  time_cmd "grepf$run" "$tmp/grepf$run.out" env LC_ALL=C grep -cF "$needle" "$file"
  time_cmd "floor$run" "$tmp/floor$run.out" java -XX:+UseSerialGC -cp "$tmp/floor" ReadFloor "$file"
  time_cmd "podnet$run" "$tmp/podnet$run.out" java -XX:+UseSerialGC "${cds[@]}" -cp "$jar" dev.podnet.node.logs.LogScanBench "$file"
  time_cmd "grepa$run" "$tmp/grepa$run.out" env LC_ALL=C grep -ciF -f "$tmp/anchors.txt" "$file"
  rows+=("$run")
done

mbps() { awk -v b="$bytes" -v s="$1" 'BEGIN { if (s > 0) printf "%.0f", b / 1e6 / s; else print "-" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

{
  echo "# podnet log scan vs grep"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- host: $(nproc) cores ($(lscpu 2>/dev/null | awk -F': *' '/Model name/ { print $2; exit }')), $(free -g | awk '/Mem:/ { print $2 }') GiB RAM; file read from the page cache"
  echo "- java: $(java -version 2>&1 | head -1); grep: $(grep --version | head -1)"
  echo "- file: $file, $bytes bytes ($(mbps 1) MB), $(wc -l < "$file") lines"
  [ -f "$file.truth.json" ] && echo "- ground truth: \`$(cat "$file.truth.json")\`"
  echo "- load average (1/5/15 min) before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg) (above ~0.1, other processes shared the $(nproc) cores)"
  [ -n "$generated" ] && { echo; echo "$generated"; }
  echo
  echo "Rows: grep counting one fixed string; the JVM floor (\`bench/ReadFloor.java\`: start a JVM, read the"
  echo "file as podnet does, count its lines, nothing else); podnet's scan; grep doing podnet's anchor search"
  echo "alone (\`anchors.txt\` from \`LogScanBench --anchors\`, no classification)."
  echo
  echo "| run | command | wall s | MB/s | peak RSS MB | × grep -c wall | exit | result |"
  echo "|---:|---|---:|---:|---:|---:|---:|---|"
  for run in "${rows[@]}"; do
    gw="$(wall_s "grep$run")"
    echo "| $run | \`grep -c '$needle' FILE\` | $gw | $(mbps "$gw") | $(rss_mb "grep$run") | 1.00 | $(exit_of "grep$run") | $(cat "$tmp/grep$run.out") lines |"
    fw="$(wall_s "grepf$run")"
    echo "| $run | \`LC_ALL=C grep -cF '$needle' FILE\` | $fw | $(mbps "$fw") | $(rss_mb "grepf$run") | $(ratio "$fw" "$gw") | $(exit_of "grepf$run") | $(cat "$tmp/grepf$run.out") lines |"
    lw="$(wall_s "floor$run")"
    echo "| $run | \`java -XX:+UseSerialGC -cp DIR ReadFloor FILE\` (JVM floor) | $lw | $(mbps "$lw") | $(rss_mb "floor$run") | $(ratio "$lw" "$gw") | $(exit_of "floor$run") | $(cat "$tmp/floor$run.out") |"
    pw="$(wall_s "podnet$run")"
    found="$(head -1 "$tmp/podnet$run.out" | sed -E 's/.*: ([0-9]+ lines).*, ([0-9]+ candidates).*, ([0-9]+ failure lines).*/\1, \2, \3/')"
    echo "| $run | \`java -XX:+UseSerialGC -cp podnet.jar dev.podnet.node.logs.LogScanBench FILE\`$cds_note | $pw | $(mbps "$pw") | $(rss_mb "podnet$run") | $(ratio "$pw" "$gw") | $(exit_of "podnet$run") | $found |"
    aw="$(wall_s "grepa$run")"
    echo "| $run | \`LC_ALL=C grep -ciF -f anchors.txt FILE\` ($anchors anchors) | $aw | $(mbps "$aw") | $(rss_mb "grepa$run") | $(ratio "$aw" "$gw") | $(exit_of "grepa$run") | $(cat "$tmp/grepa$run.out") lines |"
  done
  echo
  span() { # PREFIX DIVISOR-PREFIX: min–max of wall(PREFIX run) / wall(DIVISOR-PREFIX run) over the runs
    for run in "${rows[@]}"; do ratio "$(wall_s "$1$run")" "$(wall_s "$2$run")"; echo; done |
      sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { if (lo == hi) print lo "×"; else print lo "–" hi "×" }'
  }
  echo "- podnet / \`grep -c\`: $(span podnet grep)"
  echo "- podnet / JVM floor: $(span podnet floor); JVM floor / \`grep -c\`: $(span floor grep)"
  echo "- \`grep -ciF -f anchors.txt\` / podnet: $(span grepa podnet)"
  echo
  echo "podnet's summary (last run):"
  echo
  echo '```'
  cat "$tmp/podnet${rows[-1]}.out"
  echo '```'
} | tee "$tmp/report.md"

code="$(exit_of "podnet${rows[-1]}")"
if [ "$code" != 0 ]; then
  echo "logs.sh: the podnet scan failed (exit $code):" >&2
  tail -20 "$tmp/podnet${rows[-1]}.err" >&2
  exit 1
fi
