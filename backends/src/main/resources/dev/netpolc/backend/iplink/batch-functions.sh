
nl='
'

# links NS: the links of network namespace NS (the host's when NS is empty), one
# line 'NAME ALIAS' each, ALIAS '-' for a link without one; from one 'ip -o link show', with a
# newline in front so that every line can be matched whole.
links() {
    if [ -n "$1" ]; then
        out=$(ip -n "$1" -o link show)
    else
        out=$(ip -o link show)
    fi
    out=$(printf '%s\n' "$out" | sed -n \
        -e 's/^[0-9]*: \([^:@]*\)[:@].*\\    alias \([^\\]*\).*$/\1 \2/p' -e t \
        -e 's/^[0-9]*: \([^:@]*\)[:@].*$/\1 -/p')
    printf '%s\n' "$nl$out"
}

# has LINKS LINK: true when LINK is one of LINKS (the output of 'links').
has() {
    case "$1$nl" in
    *"$nl$2 "*) return 0 ;;
    esac
    return 1
}

# check LINKS LINK MARK: sets skip to '' when LINK is not one of LINKS, so that the batch lines
# that create it run, or to '#' when it is there with MARK, which turns those lines into
# comments. A link of that name without the mark is not netpolc's: the script stops rather than
# change it.
check() {
    case "$1$nl" in
    *"$nl$2 $3$nl"*) skip='#' ;;
    *"$nl$2 "*) die "link $2 exists but netpolc did not create it;" \
        "if an interrupted run left it behind, delete it (ip link del $2), else rename it" ;;
    *) skip= ;;
    esac
}

# free LINKS LINK NS: stops the script when LINK is one of LINKS, the links of a namespace NS
# that existed before: the container end of a new veth pair is to get that name.
free() {
    if has "$1" "$2"; then
        die "link $2 in network namespace $3 exists but netpolc did not create it; delete or rename it"
    fi
}

# new_netns NS MARK: sets skip to '' when network namespace NS does not exist yet, else to '#'.
# Run by hand, a namespace that existed before is used as it is. Run by 'netpolc apply'
# (NETPOLC_OWNER set), one whose loopback lacks MARK is not this apply's to take over (made by
# hand, by another tool or by another state directory's apply): the script stops.
new_netns() {
    case "$nl$namespaces$nl" in
    *"$nl$1$nl"* | *"$nl$1 ("*)
        skip='#'
        if [ -n "$o" ]; then
            case "$(links "$1")$nl" in
            *"${nl}lo $2$nl"*) ;;
            *) die "network namespace $1 exists but this apply did not create it (its loopback lacks the" \
                "mark $2); if an interrupted run left it behind, delete it (ip netns del $1), else rename it" ;;
            esac
        fi
        ;;
    *) skip= ;;
    esac
}

# What exists already: the host's links and the network namespaces, each read once. A name
# that is taken by a link netpolc did not create stops the script here, before any change.
host=$(links '')
namespaces=$(ip netns list)
