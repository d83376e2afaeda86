
# drop_link NS LINK MARK: deletes LINK when it carries MARK.
drop_link() {
    link_state "$1" "$2" "$3" && rc=0 || rc=$?
    case $rc in
    0)
        if [ -n "$1" ]; then
            ip -n "$1" link del dev "$2"
        else
            ip link del dev "$2"
        fi
        ;;
    2) echo "netpolc: keeping link $2${1:+ in network namespace $1}: netpolc did not create it" >&2 ;;
    esac
}

# drop_netns NS MARK: deletes network namespace NS when its loopback carries MARK.
drop_netns() {
    link_state "$1" lo "$2" && rc=0 || rc=$?
    case $rc in
    0) ip netns del "$1" ;;
    2) echo "netpolc: keeping network namespace $1: netpolc did not create it" >&2 ;;
    esac
}
