#!/bin/sh
# Times netpolc apply against the bare tools, each in a throw-away network namespace of its own:
# a policy of N networks (default 1000) with one container and one published port each, loaded by
#   1. iptables-restore -w of the compiled rules (the floor: one process, one transaction);
#   2. netpolc apply --firewall-only (snapshot, merge, one iptables-restore per family, read back);
#   3. the same rules one 'iptables -w' process per rule, as tools that add rules one by one do;
#   4. nft -f of the compiled nftables table, and netpolc apply --backend nftables --firewall-only;
#   5. netpolc apply with links (bridges, veth pairs, container namespaces) and a second apply;
#   6. rounds of the steps no verified apply can do without, each timed alone (the restore, the
#      read-back, the compile), against the apply itself, with their medians: the floor of 1.5
#      times the restore.
# Run as root from the repository: sh cli/src/test/sh/apply-bench.sh [--markdown FILE] [N].
# With --markdown FILE, the results are also written to FILE as markdown table rows
# (| what | wall | CPU |, with a header), for bench/run.sh to include, and the medians of the
# rounds (6) to FILE.medians, as NAME=NANOSECONDS lines. Never touches the namespace it is
# started in.
set -eu
MARKDOWN=""
while [ $# -gt 0 ]; do
    case $1 in
    --markdown)
        [ $# -ge 2 ] || { echo "apply-bench.sh: --markdown needs a FILE" >&2; exit 2; }
        MARKDOWN=$2
        shift 2
        ;;
    --markdown=*)
        MARKDOWN=${1#--markdown=}
        shift
        ;;
    -*)
        echo "apply-bench.sh: unknown option $1 (usage: apply-bench.sh [--markdown FILE] [N])" >&2
        exit 2
        ;;
    *) break ;;
    esac
done
N=${1:-1000}
case $N in
'' | *[!0-9]*) echo "apply-bench.sh: N must be a number of networks, not '$N'" >&2; exit 2 ;;
esac
if [ -n "$MARKDOWN" ]; then
    case $MARKDOWN in /*) ;; *) MARKDOWN="$(pwd)/$MARKDOWN" ;; esac
    : > "$MARKDOWN.tmp"
fi
NETPOLC="$(pwd)/netpolc"
TMP=$(mktemp -d)
RUN=nb$$
NSS=""
cleanup() {
    for ns in $NSS; do
        for child in $(ip netns list | awk '{print $1}' | grep "^$ns-" || true); do ip netns del "$child"; done
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
newns() {
    ip netns add "$RUN-$1"
    NSS="$NSS $RUN-$1"
}
# mdrow LABEL WALL CPU: one row of the markdown table (with --markdown); a label's leading two
# spaces mark a line that belongs to the one above.
mdrow() {
    if [ -n "$MARKDOWN" ]; then
        printf '| %s | %s | %s |\n' "$(echo "$1" | sed 's/|/\\|/g; s/^  /\&nbsp;\&nbsp;/')" "$2" "$3" >> "$MARKDOWN.tmp"
    fi
}
# measure LABEL COMMAND...: wall-clock seconds, and CPU seconds (user + system, children included),
# which a busy machine disturbs less.
measure() {
    label=$1
    shift
    /usr/bin/time -f "%e %U %S" -o "$TMP/time" "$@"
    read -r wall user sys < "$TMP/time"
    cpu=$(echo "$user + $sys" | bc | sed 's/^\./0./')
    echo "$label: $wall s wall, $cpu s CPU"
    mdrow "$label" "$wall s" "$cpu s"
}
# row LABEL VALUE: a figure computed here, without CPU time.
row() {
    echo "$1: $2"
    mdrow "$1" "$2" ""
}
# now: nanoseconds since the epoch (dash has no $EPOCHREALTIME; date costs about a millisecond).
now() {
    date +%s%N
}
# median FILE: the median of the numbers in FILE, one per line.
median() {
    sort -n "$1" | awk '{ v[NR] = $1 } END { printf "%d", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# seconds NS: nanoseconds as seconds, to the millisecond.
seconds() {
    awk -v ns="$1" 'BEGIN { printf "%.3f s", ns / 1e9 }'
}
# steps: netpolc's own summary of an apply (the last line on its standard error, in $TMP/err).
steps() {
    s=$(tail -n 1 "$TMP/err" | sed 's/.*changes*; //; s/)$//')
    echo "    $s"
    mdrow "  of which: $s" "" ""
}

i=0
{
    while [ "$i" -lt "$N" ]; do
        echo "network n$i { subnet 10.$((i / 250)).$((i % 250)).0/24 }"
        echo "container c$i { attach n$i; publish $((20000 + i)) -> 80 }"
        i=$((i + 1))
    done
} > "$TMP/policy.net"
"$NETPOLC" compile "$TMP/policy.net" > "$TMP/rules.v4"
"$NETPOLC" compile -t nftables "$TMP/policy.net" > "$TMP/table.nft"
RULES=$(grep -c '^-A ' "$TMP/rules.v4")
echo "policy: $N networks, $N containers, $N published ports; $RULES iptables rules (IPv4)"

# The launcher records apply's class caches (one per backend) at the first apply after a build,
# with a training run of a few seconds: done here, untimed.
"$NETPOLC" status --help > /dev/null
"$NETPOLC" status --backend nftables --help > /dev/null
# shellcheck disable=SC2016 # the inner shell expands $1
measure "JVM start and exit (netpolc --version)" sh -c '"$1" --version > /dev/null' - "$NETPOLC"

newns restore
# shellcheck disable=SC2016 # the inner shell expands $1
measure "iptables-restore -w, $RULES rules" nsenter --net=/run/netns/"$RUN-restore" sh -c 'iptables-restore -w < "$1"' - "$TMP/rules.v4"

newns apply
measure "netpolc apply --firewall-only (iptables, both families, verified)" \
    "$NETPOLC" apply --netns "$RUN-apply" --state-dir "$TMP/state" --firewall-only "$TMP/policy.net" 2> "$TMP/err"
steps
measure "  the same again (no changes)" \
    "$NETPOLC" apply --netns "$RUN-apply" --state-dir "$TMP/state" --firewall-only "$TMP/policy.net" 2> "$TMP/err"
steps

# One process per rule: chains first, then every rule with -A, table by table.
awk '/^\*/ { t = substr($0, 2) } /^:/ { split(substr($0, 2), a, " "); if (a[2] == "-") print "iptables -w -t " t " -N " a[1]; else print "iptables -w -t " t " -P " a[1] " " a[2] } /^-A / { print "iptables -w -t " t " " $0 }' "$TMP/rules.v4" > "$TMP/one-by-one.sh"
newns onebyone
measure "one iptables process per rule ($(wc -l < "$TMP/one-by-one.sh") processes)" nsenter --net=/run/netns/"$RUN-onebyone" sh "$TMP/one-by-one.sh"

newns nft
measure "nft -f of the nftables table" nsenter --net=/run/netns/"$RUN-nft" nft -f "$TMP/table.nft"
newns applynft
measure "netpolc apply --backend nftables --firewall-only (verified)" \
    "$NETPOLC" apply --netns "$RUN-applynft" --state-dir "$TMP/state" --backend nftables --firewall-only "$TMP/policy.net" 2> "$TMP/err"
steps

newns links
measure "netpolc apply with links ($N bridges, veth pairs and container namespaces)" \
    "$NETPOLC" apply --netns "$RUN-links" --state-dir "$TMP/state" "$TMP/policy.net" 2> "$TMP/err"
steps
measure "  the same again (no changes)" "$NETPOLC" apply --netns "$RUN-links" --state-dir "$TMP/state" "$TMP/policy.net" 2> "$TMP/err"
steps
measure "  apply --down" "$NETPOLC" apply --netns "$RUN-links" --state-dir "$TMP/state" --down 2> "$TMP/err"

# The floor. A verified apply compiles the policy (JVM included), loads the rules with one
# restore and reads them back; each needs the one before it, so no apply is faster than their
# sum. Each is timed alone in every round, next to a whole apply in a fresh namespace, so that
# the load of the moment falls on all of them alike.
ROUNDS=7
: > "$TMP/t.restore"
: > "$TMP/t.save"
: > "$TMP/t.compile"
: > "$TMP/t.apply"
r=0
while [ "$r" -lt "$ROUNDS" ]; do
    newns "floor$r"
    t0=$(now)
    nsenter --net=/run/netns/"$RUN-floor$r" iptables-restore -w < "$TMP/rules.v4"
    t1=$(now)
    nsenter --net=/run/netns/"$RUN-floor$r" iptables-save > /dev/null
    t2=$(now)
    "$NETPOLC" compile "$TMP/policy.net" > /dev/null
    t3=$(now)
    newns "floorapply$r"
    "$NETPOLC" apply --netns "$RUN-floorapply$r" --state-dir "$TMP/floor-state$r" --firewall-only "$TMP/policy.net" 2> "$TMP/err"
    t4=$(now)
    echo $((t1 - t0)) >> "$TMP/t.restore"
    echo $((t2 - t1)) >> "$TMP/t.save"
    echo $((t3 - t2)) >> "$TMP/t.compile"
    echo $((t4 - t3)) >> "$TMP/t.apply"
    ip netns del "$RUN-floor$r"
    ip netns del "$RUN-floorapply$r"
    r=$((r + 1))
done
restore=$(median "$TMP/t.restore")
save=$(median "$TMP/t.save")
compile=$(median "$TMP/t.compile")
apply=$(median "$TMP/t.apply")
floor=$((restore + save + compile))
# ratio NS: NS as a multiple of the restore.
ratio() {
    awk -v ns="$1" -v r="$restore" 'BEGIN { printf "%.2f", ns / r }'
}
row "medians of $ROUNDS rounds: iptables-restore -w, $RULES rules" "$(seconds "$restore")"
row "  iptables-save of them (the read-back)" "$(seconds "$save")"
row "  netpolc compile of the policy (JVM included)" "$(seconds "$compile")"
row "  the floor of a verified apply: the three in sequence" "$(seconds "$floor") ($(ratio "$floor") × the restore)"
row "  netpolc apply --firewall-only" "$(seconds "$apply") ($(ratio "$apply") × the restore)"
row "  the issue's budget: 1.5 × the restore" "$(seconds $((restore * 3 / 2)))"
if [ -n "$MARKDOWN" ]; then
    # The medians in nanoseconds, for bench/run.sh's table of targets.
    printf 'restore=%s\nsave=%s\ncompile=%s\napply=%s\nfloor=%s\nrounds=%s\n' \
        "$restore" "$save" "$compile" "$apply" "$floor" "$ROUNDS" > "$MARKDOWN.medians"
fi

if [ -n "$MARKDOWN" ]; then
    {
        echo "| what ($N networks, load average $(cut -d' ' -f1-3 /proc/loadavg)) | wall | CPU |"
        echo "|------|-----:|----:|"
        cat "$MARKDOWN.tmp"
    } > "$MARKDOWN"
    rm -f "$MARKDOWN.tmp"
    echo "apply-bench.sh: results written to $MARKDOWN"
fi
