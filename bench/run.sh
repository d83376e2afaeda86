#!/usr/bin/env bash
# Regenerates docs/performance.md: builds netpolc, generates policies of 1 to 10,000 networks,
# times whole `netpolc compile` processes (wall time and peak memory with /usr/bin/time -v, best
# of several runs) for every target, compares with ferm on the same rule set, counts what the
# rules cost the kernel, times a rule that names one large define set (issue 18), and runs the JMH
# stage benchmarks.
#
#   bash bench/run.sh [--runs K] [--sizes "1 10 100"] [--define-sizes "2000 16000 100000"]
#                     [--no-defines] [--no-jmh] [--no-apply] [--out FILE]
#   bash bench/run.sh --defines-only [--runs K] [--define-sizes "..."]
#
# --defines-only builds, times only the large-set case and prints its table to standard output
# (docs/performance.md is left alone).
#
# As root with iproute2, iptables and nftables present, it also times `netpolc apply` against a
# bare iptables-restore and nft -f in throw-away network namespaces (cli/src/test/sh/apply-bench.sh);
# --no-apply skips that.
#
# On a fresh Debian machine run as root it installs what it needs (JDK 17, Maven, time, ferm);
# otherwise it names what is missing and stops. Other work on the machine skews timings: the load
# average is recorded with every figure, and each figure is the best of K runs; netpolc and ferm
# are timed interleaved (3K rounds) and compared by their medians.
set -euo pipefail
# The shell's clock ($EPOCHREALTIME) and awk read and write numbers with a decimal point.
export LC_ALL=C
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

runs=5
sizes="1 10 100 1000 5000 10000"
jmh=1
apply=1
out="docs/performance.md"
define_sizes="2000 16000 100000"
defines=1
defines_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --sizes) sizes="$2"; shift 2 ;;
    --no-jmh) jmh=0; shift ;;
    --no-apply) apply=0; shift ;;
    --define-sizes) define_sizes="$2"; shift 2 ;;
    --no-defines) defines=0; shift ;;
    --defines-only) defines_only=1; shift ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

# --- what the benchmark needs -------------------------------------------------------------
need=()
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
[ -x /usr/bin/time ] || need+=(time)
[ "$defines_only" = 1 ] || command -v ferm >/dev/null 2>&1 || need+=(ferm)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "run.sh: installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "run.sh: missing Debian packages: ${need[*]} (install them, or run as root on Debian to let run.sh do it)" >&2
    exit 3
  fi
fi

echo "run.sh: building" >&2
mvn -B -q -DskipTests package >&2
cp="bench/target/classes:bench/target/lib/*"
work="bench/target/work"
rm -rf "$work"
mkdir -p "$work"
targets="iptables ip6tables nftables iplink"

load() { cut -d' ' -f1 /proc/loadavg; }

# measure NAME RUNS CMD...: runs CMD (stdout discarded) once to warm the page cache and the
# class-data archive, then RUNS times under /usr/bin/time -v; appends "NAME best_s max_rss_kib
# load best_cpu_s" to $work/results: the best wall time, the largest peak RSS of the runs, the
# 1-minute load average before the first run, and the best CPU time (user + system, all threads),
# which other work on the machine disturbs less than wall time.
measure() {
  local name="$1" k="$2"; shift 2
  local l best="" cpu="" rss=0 t c m i
  l="$(load)"
  "$@" >/dev/null 2>"$work/err" || { echo "run.sh: '$*' failed:" >&2; cat "$work/err" >&2; exit 1; }
  for ((i = 0; i < k; i++)); do
    /usr/bin/time -v -o "$work/time" "$@" >/dev/null 2>"$work/err"
    t="$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (j = 1; j <= n; j++) s = s * 60 + p[j]; print s}' "$work/time")"
    c="$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$work/time")"
    m="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")"
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN {exit !(a < b)}'; then best="$t"; fi
    if [ -z "$cpu" ] || awk -v a="$c" -v b="$cpu" 'BEGIN {exit !(a < b)}'; then cpu="$c"; fi
    [ "$m" -gt "$rss" ] && rss="$m"
  done
  echo "$name $best $rss $l $cpu" >>"$work/results"
  echo "run.sh: $name ${best}s (cpu ${cpu}s) $((rss / 1024))MiB (load $l)" >&2
}
get() { awk -v n="$1" -v f="$2" '$1 == n {print $f}' "$work/results"; }
# duel K NAME...: runs the commands in the arrays cmd_NAME (stdout discarded) once each to warm
# up, then K rounds of one run of each, back to back, the order rotating from round to round, so a
# change in the machine's load falls on every command alike (a best-of-K per command, taken
# minutes apart, compares two different machines on a shared host). Wall time by the shell's
# microsecond clock, CPU time (user + system) by /usr/bin/time. Appends "NAME median_s best_s
# load best_cpu_s" to $work/results for each NAME.
duel() {
  local k="$1"; shift
  local names=("$@") l i j n s e
  l="$(load)"
  for n in "${names[@]}"; do
    local -n c="cmd_$n"
    "${c[@]}" >/dev/null 2>"$work/err" || { echo "run.sh: '${c[*]}' failed:" >&2; cat "$work/err" >&2; exit 1; }
    : >"$work/duel.$n"
    unset -n c
  done
  for ((i = 0; i < k; i++)); do
    for ((j = 0; j < ${#names[@]}; j++)); do
      n="${names[$(((i + j) % ${#names[@]}))]}"
      local -n c="cmd_$n"
      s="$EPOCHREALTIME"
      /usr/bin/time -f "%U %S" -o "$work/time" "${c[@]}" >/dev/null 2>"$work/err" \
        || { echo "run.sh: '${c[*]}' failed in round $((i + 1)):" >&2; cat "$work/err" >&2; exit 1; }
      e="$EPOCHREALTIME"
      unset -n c
      awk -v s="$s" -v e="$e" '{print e - s, $1 + $2}' "$work/time" >>"$work/duel.$n"
    done
  done
  for n in "${names[@]}"; do
    sort -n "$work/duel.$n" | awk -v n="$n" -v l="$l" '{w[NR] = $1; if (NR == 1 || $2 < c) c = $2}
      END {m = NR % 2 ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2; print n, m, w[1], l, c}' >>"$work/results"
    echo "run.sh: $n median $(get "$n" 2)s best $(get "$n" 3)s (cpu $(get "$n" 5)s, load $l)" >&2
  done
}

ms() { awk -v s="$1" 'BEGIN {printf "%d", s * 1000 + 0.5}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%d", k / 1024 + 0.5}'; }

# --- machine ------------------------------------------------------------------------------
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
cpu="$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
cores="$(nproc)"
mem="$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
# CPU time the hypervisor gave to other guests while this one wanted to run ("steal", the eighth
# number of /proc/stat's cpu line), against all CPU time: on a shared virtual machine it slows every
# wall-clock figure below without showing in the load average.
cpu_times() { awk '/^cpu / {print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
steal_start="$(cpu_times)"
javabin="$(NETPOLC_WHICH_JAVA=1 ./netpolc)"
javav="$("$javabin" -version 2>&1 | head -n 1) ($javabin, the JVM the launcher chose)"
fermv="$(ferm --version 2>/dev/null | head -n 1 || true)"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"

# --- a rule with a large set (issue 18) ----------------------------------------------------
# GenerateDefinePolicy --addresses N: one define of N distinct addresses and subnets, named by three
# rules on either side; IPv4 only, and half IPv6 ("mixed", some of it IPv4-mapped). Every target and
# lint, as whole processes.
define_targets="iptables ip6tables nftables lint"
if [ "$defines" = 1 ] || [ "$defines_only" = 1 ]; then
  for n in $define_sizes; do
    for fam in v4 mixed; do
      java -cp "$cp" dev.netpolc.bench.GenerateDefinePolicy --addresses "$n" --family "$fam" -o "$work/d$n-$fam.net"
      for t in $define_targets; do
        if [ "$t" = lint ]; then
          measure "d$n-$fam-$t" "$runs" ./netpolc lint "$work/d$n-$fam.net"
        else
          measure "d$n-$fam-$t" "$runs" ./netpolc compile -t "$t" "$work/d$n-$fam.net"
        fi
      done
    done
  done
fi
# define_table: the markdown table of the large-set figures.
define_table() {
  printf "| N | addresses | load |"; for t in $define_targets; do printf " %s ms | CPU |" "$t"; done; printf " MiB (max) |\n"
  printf "|---:|---|---:|"; for t in $define_targets; do printf -- "---:|---:|"; done; printf -- "---:|\n"
  local n fam t r
  for n in $define_sizes; do
    for fam in v4 mixed; do
      r=0
      printf "| %s | %s | %s |" "$n" "$([ "$fam" = v4 ] && echo IPv4 || echo "IPv4 and IPv6")" "$(get "d$n-$fam-iptables" 4)"
      for t in $define_targets; do
        printf " %s | %s |" "$(ms "$(get "d$n-$fam-$t" 2)")" "$(ms "$(get "d$n-$fam-$t" 5)")"
        [ "$(get "d$n-$fam-$t" 3)" -gt "$r" ] && r="$(get "d$n-$fam-$t" 3)"
      done
      printf " %s |\n" "$(mib "$r")"
    done
  done
}
if [ "$defines_only" = 1 ]; then
  echo "# A rule with a large set: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit, $cpu, $cores cores"
  echo "# load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; $javav"
  echo "# wall ms best of $runs, CPU = user + system of the best run by CPU (bash bench/run.sh --defines-only)"
  define_table
  exit 0
fi

# --- policies -----------------------------------------------------------------------------
gen() { java -cp "$cp" dev.netpolc.bench.GeneratePolicy "$@"; }
for n in $sizes; do
  gen --networks "$n" --containers 1 --ports 1 -o "$work/n$n.net"
done
large=0
case " $sizes " in *" 10000 "*) large=1 ;; esac
[ "$large" = 1 ] && gen --networks 10000 --containers 10 --ports 1 -o "$work/n10000x10.net"

# --- start-up -----------------------------------------------------------------------------
startup_runs=$((runs * 2))
measure noop "$startup_runs" "$javabin" -XX:TieredStopAtLevel=1 -XX:+UseParallelGC -cp bench/target/classes dev.netpolc.bench.Noop
measure startup "$startup_runs" ./netpolc compile policies/docker/a-default-bridge.net
measure startup-nocds "$runs" env NETPOLC_CDS=0 ./netpolc compile policies/docker/a-default-bridge.net
# The same with the machine's default JVM (JDK 17 on Debian 12: a class-data-sharing archive, no AOT cache).
jdk17=""
if [ -x /usr/bin/java ] && [ "$(readlink -f /usr/bin/java)" != "$(readlink -f "$javabin")" ]; then
  jdk17="$(/usr/bin/java -version 2>&1 | head -n 1)"
  NETPOLC_JAVA=/usr/bin/java ./netpolc --version >/dev/null
  measure startup-default "$startup_runs" env NETPOLC_JAVA=/usr/bin/java ./netpolc compile policies/docker/a-default-bridge.net
fi

# --- every size and target ----------------------------------------------------------------
for n in $sizes; do
  for t in $targets; do
    measure "n$n-$t" "$runs" ./netpolc compile -t "$t" "$work/n$n.net"
  done
done
for t in $targets; do
  [ "$large" = 1 ] && measure "n10000x10-$t" "$runs" ./netpolc compile -t "$t" "$work/n10000x10.net"
done

# 512 MiB of heap is enough: the large case again with the heap capped.
heap_ok=""
for t in $targets; do
  [ "$large" = 1 ] || continue
  if NETPOLC_JAVA_OPTS=-Xmx512m ./netpolc compile -t "$t" "$work/n10000x10.net" >/dev/null 2>"$work/err"; then
    heap_ok="$heap_ok $t:yes"
  else
    heap_ok="$heap_ok $t:NO"
  fi
done

# --- ferm on the same rule set ------------------------------------------------------------
ferm_sizes=""
duel_rounds=$((runs * 3))
for n in 1 100 1000 5000; do
  case " $sizes " in *" $n "*) ;; *) continue ;; esac
  ./netpolc compile -t iptables "$work/n$n.net" >"$work/n$n.v4"
  java -cp "$cp" dev.netpolc.bench.FermFile "$work/n$n.v4" >"$work/n$n.ferm"
  ferm --remote "$work/n$n.ferm" >"$work/n$n.ferm.out"
  ours="$(grep -c '^-A' "$work/n$n.v4")"
  theirs="$(grep -c '^-A' "$work/n$n.ferm.out")"
  if [ "$ours" != "$theirs" ]; then
    echo "run.sh: N=$n: netpolc writes $ours rules, ferm $theirs: the ferm file is not equivalent" >&2
    exit 1
  fi
  echo "n$n-rules $ours 0 0" >>"$work/results"
  # ferm and netpolc interleaved; netpolc also with the machine's default JVM (JDK 17 on Debian
  # 12): what a machine without a newer JDK gets.
  # shellcheck disable=SC2034 # duel reads the cmd_ arrays by name
  cmd_ferm=(ferm --remote "$work/n$n.ferm")
  # shellcheck disable=SC2034
  cmd_netpolc=(./netpolc compile -t iptables "$work/n$n.net")
  # shellcheck disable=SC2034
  cmd_default=(env NETPOLC_JAVA=/usr/bin/java ./netpolc compile -t iptables "$work/n$n.net")
  contenders=(ferm netpolc)
  [ -n "$jdk17" ] && contenders+=(default)
  duel "$duel_rounds" "${contenders[@]}"
  for c in "${contenders[@]}"; do
    sed -i "s/^$c /n$n-vs-$c /" "$work/results"
  done
  ferm_sizes="$ferm_sizes $n"
done

# --- rule cost ----------------------------------------------------------------------------
cost10="" cost1000=""
for n in 10 1000; do
  case " $sizes " in *" $n "*) ;; *) continue ;; esac
  line="$(java -cp "$cp" dev.netpolc.bench.RuleCost "$work/n$n.net")"
  [ "$n" = 10 ] && cost10="$line" || cost1000="$line"
done
kv() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k {print $2}'; }

# --- JMH ----------------------------------------------------------------------------------
if [ "$jmh" = 1 ]; then
  echo "run.sh: JMH (a few minutes)" >&2
  java -cp "$cp" org.openjdk.jmh.Main StageBenchmarks -p networks=1000 -p containers=10 -wi 3 -w 2 -i 5 -r 2 -f 1 \
    -rf csv -rff "$work/jmh.csv" >"$work/jmh.log" 2>&1 || { tail -20 "$work/jmh.log" >&2; exit 1; }
fi
# --- apply ------------------------------------------------------------------------------
apply_rows=""
if [ "$apply" = 1 ]; then
  if [ "$(id -u)" = 0 ] && command -v ip >/dev/null 2>&1 && command -v iptables-restore >/dev/null 2>&1 \
    && command -v nft >/dev/null 2>&1 && ip netns add "nb-probe-$$" 2>/dev/null; then
    ip netns del "nb-probe-$$"
    echo "run.sh: apply in network namespaces (a few minutes)" >&2
    apply_load="$(load)"
    if sh cli/src/test/sh/apply-bench.sh --markdown "$work/apply.md" 1000 >"$work/apply.log" 2>&1; then
      apply_rows="$work/apply.md"
    else
      tail -20 "$work/apply.log" >&2
      echo "run.sh: the apply benchmark failed; its section is left out" >&2
    fi
  else
    echo "run.sh: apply is timed only as root with iproute2, iptables and nftables, and network namespaces; skipped" >&2
  fi
fi
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
steal="$(echo "$steal_start $(cpu_times)" | awk '{d = $4 - $2; x = d > 0 ? ($3 - $1) * 100 / d : 0; printf "%.1f", x}')"

# --- the page -----------------------------------------------------------------------------
tmp="$(mktemp)"
{
  echo "# Performance"
  echo
  echo "Generated by \`bash bench/run.sh\` (the one command that regenerates this page; see"
  echo "[Method](#method)). Every figure below was measured by that run, on this machine:"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| date | $started, commit \`$commit\` |"
  echo "| CPU | $cpu, $cores cores (nproc), $mem |"
  echo "| load average (1, 5, 15 min) | $load_start at the start, $load_end at the end (the machine is shared: every row below gives the 1-minute load when it started) |"
  echo "| CPU time stolen by the host | $steal % of all CPU time during the run (\`steal\` in /proc/stat: time this virtual machine waited while the host ran others; it lengthens wall times) |"
  echo "| Java | $javav |"
  echo "| ferm | $fermv |"
  echo "| runs | best of $runs for each figure ($startup_runs for start-up) |"
  echo
  echo "## Targets"
  echo
  echo "| target | measured | met |"
  echo "|---|---|---|"
  s="$(ms "$(get startup 2)")"
  other=""
  [ -n "$jdk17" ] && other="; with the machine's default JVM ($jdk17, class-data-sharing archive) $(ms "$(get startup-default 2)") ms"
  echo "| \`a-default-bridge.net\` to iptables, whole process, ≤ 100 ms | $s ms wall, $(ms "$(get startup 5)") ms CPU; without the AOT cache $(ms "$(get startup-nocds 2)") ms$other; an empty Java program (the JVM floor) $(ms "$(get noop 2)") ms wall, $(ms "$(get noop 5)") ms CPU | $([ "$s" -le 100 ] && echo yes || echo "**no**") |"
  if [ -n "$(get n5000-iptables 2)" ]; then
    s="$(ms "$(get n5000-iptables 2)")"
    echo "| 5,000 networks (1 container, 1 port each) to iptables ≤ 1 s | $s ms wall, $(ms "$(get n5000-iptables 5)") ms CPU | $([ "$s" -le 1000 ] && echo yes || echo "**no**") |"
  fi
  if [ "$large" = 1 ]; then
  worst=0
  for t in $targets; do
    s="$(ms "$(get "n10000x10-$t" 2)")"
    [ "$s" -gt "$worst" ] && worst="$s"
  done
  worst_rss=0
  for t in $targets; do
    r="$(mib "$(get "n10000x10-$t" 3)")"
    [ "$r" -gt "$worst_rss" ] && worst_rss="$r"
  done
  per=""
  for t in $targets; do per="$per $t $(ms "$(get "n10000x10-$t" 2)") ms;"; done
  echo "| 10,000 networks × 10 containers, every target ≤ 3 s | slowest target $worst ms (wall:$per) | $([ "$worst" -le 3000 ] && echo yes || echo "**no**") |"
  echo "| … and ≤ 512 MiB of heap | runs with \`-Xmx512m\`:$heap_ok; peak RSS (heap, code and JVM) at most $worst_rss MiB | $(case "$heap_ok" in *NO*) echo "**no**" ;; *) echo yes ;; esac) |"
  fi
  if [ -n "$ferm_sizes" ]; then
    # netpolc faster than ferm from N = 100 up: the median of the interleaved rounds, at every size.
    verdict=yes per="" n1=""
    for n in $ferm_sizes; do
      r="$(ratio "$(get "n$n-vs-ferm" 2)" "$(get "n$n-vs-netpolc" 2)")"
      if [ "$n" = 1 ]; then
        n1="$n1 N = 1: netpolc $(ms "$(get "n1-vs-netpolc" 2)") ms, ferm $(ms "$(get "n1-vs-ferm" 2)") ms, the JVM floor $(ms "$(get noop 2)") ms"
        continue
      fi
      per="$per N = $n: $r;"
      awk -v r="$r" 'BEGIN {exit !(r > 1)}' || verdict="**no**"
    done
    echo "| faster than ferm from N = 100 up (ferm's median ÷ netpolc's, interleaved runs) |$per | $verdict |"
    [ -n "$n1" ] && echo "| at N = 1, as close to ferm as the JVM allows |$n1 (medians; the floor is best of $startup_runs) | see figures |"
  fi
  if [ -n "$apply_rows" ] && [ -f "$apply_rows.medians" ]; then
    # Issue 5's target, from apply-bench.sh's medians (nanoseconds).
    med() { sed -n "s/^$1=//p" "$apply_rows.medians"; }
    a="$(med apply)" r="$(med restore)" f="$(med floor)"
    of_restore() { awk -v x="$1" -v r="$r" 'BEGIN {printf "%.2f", x / r}'; }
    nsms() { awk -v x="$1" 'BEGIN {printf "%d", x / 1e6 + 0.5}'; }
    echo "| \`netpolc apply\` of 1,000 networks ≤ 1.5 × a bare \`iptables-restore\` of the same rules (issue 5) | $(of_restore "$a") × ($(nsms "$a") ms against $(nsms "$r") ms, medians of $(med rounds) alternating rounds); the floor of any apply that compiles, loads and reads back, the three in sequence: $(of_restore "$f") × ([Applying to a host](#applying-to-a-host)) | $(awk -v a="$a" -v r="$r" 'BEGIN {exit !(a <= 1.5 * r)}' && echo yes || echo "**no**") |"
  fi
  echo
  echo "## Whole process: wall time and peak memory"
  echo
  echo "\`./netpolc compile -t TARGET POLICY\` (the launcher, JVM start-up included), policies from"
  echo "\`GeneratePolicy --networks N --containers 1 --ports 1\`, output discarded. Time in ms, best of"
  echo "$runs; CPU: user + system time of the best run by CPU; peak RSS in MiB; ×: wall time over the"
  echo "previous row's (10× the input; target ≤ 12); load: the 1-minute load average before the row."
  echo
  printf "| N | load |"; for t in $targets; do printf " %s ms | CPU | × | MiB |" "$t"; done; echo
  printf "|---:|---:|"; for t in $targets; do printf -- "---:|---:|---:|---:|"; done; echo
  prev=""
  for n in $sizes; do
    printf "| %s | %s |" "$n" "$(get "n$n-iptables" 4)"
    for t in $targets; do
      s="$(get "n$n-$t" 2)"
      ratio="–"
      if [ -n "$prev" ]; then
        p="$(get "n$prev-$t" 2)"
        ratio="$(awk -v a="$s" -v b="$p" 'BEGIN {printf "%.1f", a / b}')"
      fi
      printf " %s | %s | %s | %s |" "$(ms "$s")" "$(ms "$(get "n$n-$t" 5)")" "$ratio" "$(mib "$(get "n$n-$t" 3)")"
    done
    echo
    prev="$n"
  done
  if [ "$large" = 1 ]; then
    printf "| 10,000 × 10 | %s |" "$(get n10000x10-iptables 4)"
    for t in $targets; do
      printf " %s | %s | | %s |" "$(ms "$(get "n10000x10-$t" 2)")" "$(ms "$(get "n10000x10-$t" 5)")" "$(mib "$(get "n10000x10-$t" 3)")"
    done
    echo
  fi
  echo
  echo "The × column compares sizes 10 times apart (5,000 to 10,000 is 2 times: there the"
  echo "target is at most 2.4)."
  echo
  if [ "$defines" = 1 ]; then
    echo "## A rule with a large set"
    echo
    echo "Issue 18: a \`define\` of N distinct addresses and subnets (\`GenerateDefinePolicy --addresses N"
    echo "--family v4|mixed\`: about one member in seven a subnet, so some hold others; *mixed* is half"
    echo "IPv6, one in a hundred of those IPv4-mapped) named by three rules, as source and as destination."
    echo "\`./netpolc compile -t TARGET\` and \`./netpolc lint\`, whole processes; wall time in ms, best of $runs;"
    echo "CPU: user + system time of the best run by CPU; load: the 1-minute load average before the row."
    echo "The target: 100,000 addresses in a few seconds for every target and lint."
    echo "\`bash bench/run.sh --defines-only\` measures and prints this table alone."
    echo
    define_table
    echo
  fi
  echo "## Against ferm"
  echo
  echo "\`ferm --remote FILE\` (compiles without touching the kernel) on the ferm file that"
  echo "\`FermFile\` writes from netpolc's iptables output: the same rules, chains and order; the run"
  echo "checks that ferm's output has as many rules as netpolc's. netpolc: the iptables target."
  echo "Interleaved: $duel_rounds rounds, each running every contender once, back to back, in an order"
  echo "that rotates from round to round, so that the machine's load at any moment falls on all of"
  echo "them alike; *median* and *best* of the rounds' wall times (the shell's microsecond clock),"
  echo "CPU: the least user + system time of a round."
  dh="" dl=""
  if [ -n "$jdk17" ]; then
    echo "*Default JVM*: netpolc run by the machine's default JVM ($jdk17, with its class-data-sharing"
    echo "archive) instead of the one the launcher chose, as on a machine that has no newer JDK."
    dh=" default JVM median ms | ferm / that |"
    dl="---:|---:|"
  fi
  echo
  echo "| N | rules | load | ferm median ms | netpolc median ms | ferm / netpolc | ferm best ms | netpolc best ms | ferm / netpolc (best) | ferm CPU ms | netpolc CPU ms | ferm / netpolc (CPU) |$dh"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|$dl"
  for n in $ferm_sizes; do
    f="$(get "n$n-vs-ferm" 2)" o="$(get "n$n-vs-netpolc" 2)"
    fb="$(get "n$n-vs-ferm" 3)" ob="$(get "n$n-vs-netpolc" 3)"
    fc="$(get "n$n-vs-ferm" 5)" oc="$(get "n$n-vs-netpolc" 5)"
    d=""
    if [ -n "$jdk17" ]; then
      od="$(get "n$n-vs-default" 2)"
      d=" $(ms "$od") | $(ratio "$f" "$od") |"
    fi
    echo "| $n | $(get "n$n-rules" 2) | $(get "n$n-vs-ferm" 4) | $(ms "$f") | $(ms "$o") | $(ratio "$f" "$o") | $(ms "$fb") | $(ms "$ob") | $(ratio "$fb" "$ob") | $(ms "$fc") | $(ms "$oc") | $(ratio "$fc" "$oc") |$d"
  done
  echo
  echo "## What the rules cost the kernel"
  echo
  echo "Counted by \`RuleCost\` from the compiled output of the generated policies. *Forward path*:"
  echo "the rules of the chains a forwarded packet can pass through (the filter chain on the forward"
  echo "hook and every chain it jumps to), an upper bound on the rules one packet is compared"
  echo "against. *Docker*: the rules Docker 20.10 adds for the same networks and ports (15 for the"
  echo "daemon with its default bridge, 8 per network, 6 without masquerade, 3 per internal network,"
  echo "3 per published IPv4 port; this count gives exactly the rule counts of the five rule sets"
  echo "captured from a real Docker daemon)."
  echo
  echo "| N | iptables rules | Docker's rules | iptables forward path | nftables rules | nftables forward path | nftables set elements |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  for pair in "10:$cost10" "1000:$cost1000"; do
    n="${pair%%:*}"; c="${pair#*:}"
    [ -n "$c" ] || continue
    echo "| $n | $(kv "$c" iptables_rules) | $(kv "$c" docker_rules) | $(kv "$c" iptables_forward) | $(kv "$c" nft_rules) | $(kv "$c" nft_forward) | $(kv "$c" nft_elements) |"
  done
  echo
  if [ -n "$cost10" ] && [ -n "$cost1000" ]; then
    same_rules=$([ "$(kv "$cost10" nft_rules)" = "$(kv "$cost1000" nft_rules)" ] && echo "the same" || echo "**not** the same")
    same_path=$([ "$(kv "$cost10" nft_forward)" = "$(kv "$cost1000" nft_forward)" ] && echo "the same" || echo "**not** the same")
    le10=$([ "$(kv "$cost10" iptables_rules)" -le "$(kv "$cost10" docker_rules)" ] && echo yes || echo "**no**")
    le1000=$([ "$(kv "$cost1000" iptables_rules)" -le "$(kv "$cost1000" docker_rules)" ] && echo yes || echo "**no**")
    echo "nftables: the rule count is $same_rules at N = 10 and 1,000, and the forward path is $same_path;"
    echo "the networks live in sets and maps, which the kernel looks up by hash or interval tree."
    echo "iptables no higher than Docker's: $le10 at N = 10, $le1000 at N = 1,000 (it is Docker's layout,"
    echo "rule for rule, so its forward path grows with N as Docker's does)."
    echo
  fi
  if [ -n "$apply_rows" ]; then
    echo "## Applying to a host"
    echo
    echo "\`cli/src/test/sh/apply-bench.sh 1000\`: 1,000 networks with one container and one published"
    echo "port each, every variant in a fresh network namespace of its own (load $apply_load when it"
    echo "started; one run each, except the medians at the end). The issue's target: \`netpolc apply\`"
    echo "takes at most 1.5 times a bare \`iptables-restore\` of the same rules. The medians are of"
    echo "rounds that time, each alone, the restore, its read-back (\`iptables-save\`) and \`netpolc"
    echo "compile\` of the policy, then a whole \`apply --firewall-only\` in a fresh namespace. An apply that"
    echo "verifies what it loaded needs all three, each after the one before (the rules before the load,"
    echo "the load before the read-back), so their sum is the least such an apply can take. What apply"
    echo "does and guarantees: [apply.md](apply.md)."
    echo
    cat "$apply_rows"
    echo
  fi
  if [ "$jmh" = 1 ] && [ -f "$work/jmh.csv" ]; then
    echo "## Stages (JMH)"
    echo
    echo "\`StageBenchmarks\`, warmed up (3 × 2 s warm-up, 5 × 2 s measured, one fork), on a generated"
    echo "policy of 1,000 networks × 10 containers (10,000 containers, 1,000 published ports). The"
    echo "whole-process figures above are mostly cold code; these show each stage's steady cost."
    echo
    echo "| stage | ms per operation | ± (99.9%) |"
    echo "|---|---:|---:|"
    awk -F',' 'NR > 1 {gsub(/"/, ""); sub(/.*\./, "", $1); printf "| %s | %.1f | %.1f |\n", $1, $5, $6}' "$work/jmh.csv"
    echo
  fi
  cat bench/performance-notes.md
} >"$tmp"
mv "$tmp" "$out"
echo "run.sh: wrote $out" >&2
