# Every network namespace name starts with NETPOLC_NETNS_PREFIX (default: empty), so that a test
# or a lab can run the script in a throw-away host namespace without colliding with another run.
p=${NETPOLC_NETNS_PREFIX-}
case $p in
*[!A-Za-z0-9_.-]*)
    echo "netpolc: NETPOLC_NETNS_PREFIX may only use letters, digits, '.', '-' and '_'" >&2
    exit 2
    ;;
esac
# NETPOLC_OWNER (default: empty): the identity 'netpolc apply' gives the links and namespaces of
# one state directory. Every mark ends with '@' and it, so that two applies on one host, or an
# apply and a script run by hand, never take each other's links or namespaces for their own.
case ${NETPOLC_OWNER-} in
*[!0-9a-f]*)
    echo "netpolc: NETPOLC_OWNER may only use the hex digits 0-9 and a-f" >&2
    exit 2
    ;;
esac
o=${NETPOLC_OWNER:+@$NETPOLC_OWNER}

# Stops the script with a message on standard error.
die() {
    echo "netpolc: $*" >&2
    exit 1
}

# link_state NS LINK MARK: 0 when LINK (in network namespace NS, or on the host when NS is empty)
# exists and carries MARK, its alias; 1 when it does not exist; 2 when it exists without MARK,
# that is, when netpolc did not create it.
link_state() {
    if [ -n "$1" ]; then
        out=$(ip -n "$1" -o link show dev "$2" 2>/dev/null) || return 1
    else
        out=$(ip -o link show dev "$2" 2>/dev/null) || return 1
    fi
    case "$out\\" in
    *"\\    alias $3\\"*) return 0 ;;
    esac
    return 2
}
