#!/bin/sh
# Times netpolc apply against the bare tools, each in a throw-away network namespace of its own:
# a policy of N networks (default 1000) with one container and one published port each, loaded by
#   1. iptables-restore -w of the compiled rules (the floor: one process, one transaction);
#   2. netpolc apply --firewall-only (snapshot, merge, one iptables-restore per family, read back);
#   3. the same rules one 'iptables -w' process per rule, as tools that add rules one by one do;
#   4. nft -f of the compiled nftables table, and netpolc apply --backend nftables --firewall-only;
#   5. netpolc apply with links (bridges, veth pairs, container namespaces) and a second apply.
# Run as root from the repository: sh cli/src/test/sh/apply-bench.sh [N]. Never touches the
# namespace it is started in.
set -eu
N=${1:-1000}
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
# measure LABEL COMMAND...: wall-clock seconds, and CPU seconds (user + system, children included),
# which a busy machine disturbs less.
measure() {
    label=$1
    shift
    /usr/bin/time -f "%e %U %S" -o "$TMP/time" "$@"
    set -- $(cat "$TMP/time")
    echo "$label: $1 s wall, $(echo "$2 + $3" | bc) s CPU"
}
# steps: netpolc's own summary of an apply (the last line on its standard error, in $TMP/err).
steps() { echo "    $(tail -n 1 "$TMP/err" | sed 's/.*changes*; //; s/)$//')"; }

i=0
{
    while [ "$i" -lt "$N" ]; do
        echo "network n$i { subnet 10.$((i / 250)).$((i % 250)).0/24 }"
        echo "container c$i { attach n$i; publish $((20000 + i)) -> 80 }"
        i=$((i + 1))
    done
} > "$TMP/policy.net"
$NETPOLC compile "$TMP/policy.net" > "$TMP/rules.v4"
$NETPOLC compile -t nftables "$TMP/policy.net" > "$TMP/table.nft"
RULES=$(grep -c '^-A ' "$TMP/rules.v4")
echo "policy: $N networks, $N containers, $N published ports; $RULES iptables rules (IPv4)"

measure "JVM start and exit (netpolc --version)" sh -c "$NETPOLC --version > /dev/null"

newns restore
measure "iptables-restore -w, $RULES rules" nsenter --net=/run/netns/"$RUN-restore" sh -c 'iptables-restore -w < "$1"' - "$TMP/rules.v4"

newns apply
measure "netpolc apply --firewall-only (iptables, both families, verified)" \
    $NETPOLC apply --netns "$RUN-apply" --state-dir "$TMP/state" --firewall-only "$TMP/policy.net" 2> "$TMP/err"
steps
measure "  the same again (no changes)" \
    $NETPOLC apply --netns "$RUN-apply" --state-dir "$TMP/state" --firewall-only "$TMP/policy.net" 2> "$TMP/err"
steps

# One process per rule: chains first, then every rule with -A, table by table.
awk '/^\*/ { t = substr($0, 2) } /^:/ { split(substr($0, 2), a, " "); if (a[2] == "-") print "iptables -w -t " t " -N " a[1]; else print "iptables -w -t " t " -P " a[1] " " a[2] } /^-A / { print "iptables -w -t " t " " $0 }' "$TMP/rules.v4" > "$TMP/one-by-one.sh"
newns onebyone
measure "one iptables process per rule ($(wc -l < "$TMP/one-by-one.sh") processes)" nsenter --net=/run/netns/"$RUN-onebyone" sh "$TMP/one-by-one.sh"

newns nft
measure "nft -f of the nftables table" nsenter --net=/run/netns/"$RUN-nft" nft -f "$TMP/table.nft"
newns applynft
measure "netpolc apply --backend nftables --firewall-only (verified)" \
    $NETPOLC apply --netns "$RUN-applynft" --state-dir "$TMP/state" --backend nftables --firewall-only "$TMP/policy.net" 2> "$TMP/err"
steps

newns links
measure "netpolc apply with links ($N bridges, veth pairs and container namespaces)" \
    $NETPOLC apply --netns "$RUN-links" --state-dir "$TMP/state" "$TMP/policy.net" 2> "$TMP/err"
steps
measure "  the same again (no changes)" $NETPOLC apply --netns "$RUN-links" --state-dir "$TMP/state" "$TMP/policy.net" 2> "$TMP/err"
steps
measure "  apply --down" $NETPOLC apply --netns "$RUN-links" --state-dir "$TMP/state" --down 2> "$TMP/err"
