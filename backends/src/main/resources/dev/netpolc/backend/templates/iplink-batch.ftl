<#-- As iplink.ftl, but the host's links are created by one 'ip -batch' and each container's
     namespace is configured by one more: for policies with hundreds of containers. -->
#!/bin/sh
# netpolc iplink-batch for [=plan.source()]<#if plan.node()??>, node [=plan.node()]</#if>.
# Builds what the iplink script builds, with one 'ip -batch' for all of the host's links and one
# per container namespace instead of one ip process per command.
# Run it as root. Running it again changes nothing. The output of 'netpolc compile -t
# iplink-teardown' removes what it created: every link it creates, and the loopback of every
# network namespace it creates, carries an alias 'netpolc:...', and the teardown deletes only
# what carries its mark.
set -eu

<#include "iplink-common.ftl">

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

# new_netns NS: sets skip to '' when network namespace NS does not exist yet, else to '#'.
new_netns() {
    case "$nl$namespaces$nl" in
    *"$nl$1$nl"* | *"$nl$1 ("*) skip='#' ;;
    *) skip= ;;
    esac
}

# What exists already: the host's links and the network namespaces, each read once. A name
# that is taken by a link netpolc did not create stops the script here, before any change.
host=$(links '')
namespaces=$(ip netns list)
<#list plan.bridges() as b>
check "$host" [=b.name()] [=b.mark()] # network [=b.network()]: bridge
b[=b.id()]=$skip
</#list>
<#list plan.vxlans() as x>
check "$host" [=x.name()] [=x.mark()] # network [=x.network()]: VXLAN device
x[=x.id()]=$skip
</#list>
<#list plan.vlans() as v>
# VLAN [=v.vid()] of [=v.parent()], for network [=v.users()]: an existing one is used as it is
v[=v.id()]='#'
has "$host" [=v.name()] || v[=v.id()]=
</#list>
<#list plan.containers() as c>
<#if c.netns()??>
# container [=c.name()]
ns[=c.id()]="$p"[=c.netns()]
new_netns "$ns[=c.id()]"
n[=c.id()]=$skip
<#if c.hasMacvlan()>
d[=c.id()]=
[ -z "$n[=c.id()]" ] || d[=c.id()]=$(links "$ns[=c.id()]")
</#if>
<#list c.interfaces() as i>
<#if i.veth()>
check "$host" [=i.hostVeth()] [=i.mark()]
i[=i.id()]=$skip
[ -n "$i[=i.id()]" ] || [ -z "$n[=c.id()]" ] || free "$(links "$ns[=c.id()]")" [=i.name()] "$ns[=c.id()]"
<#else>
check "$d[=c.id()]" [=i.name()] [=i.mark()]
i[=i.id()]=$skip
</#if>
</#list>
</#if>
</#list>
<#include "iplink-sysctls.ftl">

# The host's links, all in one ip process. A line that starts with '#' is skipped: what it
# creates exists already.
ip -batch - <<EOF
<#list plan.containers() as c>
<#if c.netns()??>
$n[=c.id()] netns add '$ns[=c.id()]'
</#if>
</#list>
<#list plan.bridges() as b>
$b[=b.id()] link add name [=b.name()] type bridge
$b[=b.id()] link set dev [=b.name()] alias [=b.mark()]
<#if b.mtu()??>
link set dev [=b.name()] mtu [=b.mtu()]
</#if>
<#list b.addresses() as a>
addr replace [=a.cidr()] dev [=b.name()]<#if a.ipv6()> nodad</#if>
</#list>
link set dev [=b.name()] up
</#list>
<#list plan.vxlans() as x>
$x[=x.id()] link add name [=x.name()]<#if x.mtu()??> mtu [=x.mtu()]</#if> type vxlan id [=x.vni()] dstport [=x.port()]<#if x.underlay()??> dev [=x.underlay()]</#if><#if x.local()??> local [=x.local()]</#if> nolearning
$x[=x.id()] link set dev [=x.name()] alias [=x.mark()]
link set dev [=x.name()] master [=x.bridge()] up
</#list>
<#list plan.vlans() as v>
$v[=v.id()] link add link [=v.parent()] name [=v.name()] type vlan id [=v.vid()]
$v[=v.id()] link set dev [=v.name()] alias [=v.mark()]
link set dev [=v.name()] up
</#list>
<#list plan.containers() as c>
<#list c.interfaces() as i>
<#if i.veth()>
$i[=i.id()] link add name [=i.hostVeth()]<#if i.mtu()??> mtu [=i.mtu()]</#if> type veth peer name [=i.name()] address [=i.mac()]<#if i.mtu()??> mtu [=i.mtu()]</#if> netns '$ns[=c.id()]'
$i[=i.id()] link set dev [=i.hostVeth()] alias [=i.mark()]
link set dev [=i.hostVeth()] master [=i.bridge()] up
<#if i.hairpin()>
link set dev [=i.hostVeth()] type bridge_slave hairpin on
</#if>
<#else>
$i[=i.id()] link add link [=i.lower()] name [=i.name()] address [=i.mac()]<#if i.mtu()??> mtu [=i.mtu()]</#if> netns '$ns[=c.id()]' type macvlan mode [=i.mode()]
</#if>
</#list>
</#list>
EOF
<#list plan.bridges() as b>
<#if b.routeLocalnet()??>
sysctl_on [=b.routeLocalnet()]
</#if>
</#list>
<#if plan.vxlans()?has_content>

# The VXLAN devices' flood entries, one per peer; appending one that exists changes nothing.
bridge -batch - <<EOF
<#list plan.vxlans() as x>
<#list x.peers() as peer>
fdb append 00:00:00:00:00:00 dev [=x.name()] dst [=peer]
</#list>
</#list>
EOF
</#if>
<#list plan.containers() as c>
<#if c.netns()??>

# container [=c.name()]<#if c.note()??>: [=c.note()]</#if>
ip -n "$ns[=c.id()]" -batch - <<EOF
$n[=c.id()] link set dev lo alias [=c.mark()]
link set dev lo up
<#list c.interfaces() as i>
<#if !i.veth()>
$i[=i.id()] link set dev [=i.name()] alias [=i.mark()]
</#if>
link set dev [=i.name()] up
<#list i.addresses() as a>
addr replace [=a.cidr()] dev [=i.name()]<#if a.ipv6()> nodad</#if>
</#list>
</#list>
<#list c.routes() as r>
route replace default via [=r.gateway()] dev [=r.device()]
</#list>
EOF
<#else>

# container [=c.name()]: [=c.note()]
</#if>
</#list>
