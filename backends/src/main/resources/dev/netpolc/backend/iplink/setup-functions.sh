
# absent NS LINK MARK: true when LINK must be created, false when it exists with MARK. A link of
# that name without the mark is not netpolc's: the script stops rather than change it.
absent() {
    link_state "$1" "$2" "$3" && return 1
    [ $? = 1 ] && return 0
    die "link $2${1:+ in network namespace $1} exists but netpolc did not create it;" \
        "if an interrupted run left it behind, delete it (ip ${1:+-n $1 }link del $2), else rename it"
}

# free NS LINK: stops the script when LINK exists in network namespace NS.
free() {
    if ip -n "$1" -o link show dev "$2" >/dev/null 2>&1; then
        die "link $2 in network namespace $1 exists but netpolc did not create it; delete or rename it"
    fi
}

# netns NS MARK: creates network namespace NS unless it exists, marking its loopback with MARK;
# loopback up. Run by hand, a namespace that existed before is used as it is and never marked, so
# the teardown keeps it. Run by 'netpolc apply' (NETPOLC_OWNER set), one whose loopback lacks MARK
# is not this apply's to take over (made by hand, by another tool or by another state directory's
# apply): the script stops.
netns() {
    if link_state "$1" lo "$2"; then
        :
    elif [ $? = 1 ]; then
        ip netns add "$1"
        ip -n "$1" link set dev lo alias "$2"
    elif [ -n "$o" ]; then
        die "network namespace $1 exists but this apply did not create it (its loopback lacks the mark" \
            "$2); if an interrupted run left it behind, delete it (ip netns del $1), else rename it"
    fi
    ip -n "$1" link set dev lo up
}
