<#-- A POSIX sh script that builds one host's links, addresses and routes, one ip command at a time. -->
#!/bin/sh
# netpolc iplink for [=plan.source()]<#if plan.node()??>, node [=plan.node()]</#if>.
# Builds the policy's links, addresses and routes on this host: bridges, veth pairs, network
# namespaces, macvlan, VLAN and VXLAN devices, one ip command at a time.
# Run it as root. Running it again changes nothing. The output of 'netpolc compile -t
# iplink-teardown' removes what it created: every link it creates, and the loopback of every
# network namespace it creates, carries an alias 'netpolc:...', and the teardown deletes only
# what carries its mark.
set -eu

<#include "iplink-common.ftl">

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

# netns NS MARK: creates network namespace NS unless it exists, marking its loopback with MARK
# (a namespace that existed before is never marked, so the teardown keeps it); loopback up.
netns() {
    if ! ip -n "$1" link show dev lo >/dev/null 2>&1; then
        ip netns add "$1"
        ip -n "$1" link set dev lo alias "$2"
    fi
    ip -n "$1" link set dev lo up
}
<#include "iplink-sysctls.ftl">
<#list plan.bridges() as b>

# network [=b.network()]: bridge [=b.name()]
if absent '' [=b.name()] [=b.mark()]; then
    ip link add name [=b.name()] type bridge
    ip link set dev [=b.name()] alias [=b.mark()]
fi
<#if b.mtu()??>
ip link set dev [=b.name()] mtu [=b.mtu()]
</#if>
<#list b.addresses() as a>
ip addr replace [=a.cidr()] dev [=b.name()]<#if a.ipv6()> nodad</#if>
</#list>
ip link set dev [=b.name()] up
<#if b.routeLocalnet()??>
sysctl_on [=b.routeLocalnet()]
</#if>
</#list>
<#list plan.vxlans() as x>

# network [=x.network()]: VXLAN [=x.vni()] on bridge [=x.bridge()]
if absent '' [=x.name()] [=x.mark()]; then
    ip link add name [=x.name()]<#if x.mtu()??> mtu [=x.mtu()]</#if> type vxlan id [=x.vni()] dstport [=x.port()]<#if x.underlay()??> dev [=x.underlay()]</#if><#if x.local()??> local [=x.local()]</#if> nolearning
    ip link set dev [=x.name()] alias [=x.mark()]
fi
ip link set dev [=x.name()] master [=x.bridge()] up
<#list x.peers() as peer>
bridge fdb append 00:00:00:00:00:00 dev [=x.name()] dst [=peer]
</#list>
</#list>
<#list plan.vlans() as v>

# VLAN [=v.vid()] of [=v.parent()], the parent of network [=v.users()]; an existing one is used as it is
if ! ip -o link show dev [=v.name()] >/dev/null 2>&1; then
    ip link add link [=v.parent()] name [=v.name()] type vlan id [=v.vid()]
    ip link set dev [=v.name()] alias [=v.mark()]
fi
ip link set dev [=v.name()] up
</#list>
<#list plan.containers() as c>

# container [=c.name()]<#if c.note()??>: [=c.note()]</#if>
<#if c.netns()??>
ns="$p"[=c.netns()]
netns "$ns" [=c.mark()]
</#if>
<#list c.interfaces() as i>
<#if i.veth()>
# [=i.name()] on network [=i.network()]: veth pair, host end [=i.hostVeth()] on bridge [=i.bridge()]
if absent '' [=i.hostVeth()] [=i.mark()]; then
    free "$ns" [=i.name()]
    ip link add name [=i.hostVeth()]<#if i.mtu()??> mtu [=i.mtu()]</#if> type veth peer name [=i.name()] address [=i.mac()]<#if i.mtu()??> mtu [=i.mtu()]</#if> netns "$ns"
    ip link set dev [=i.hostVeth()] alias [=i.mark()]
fi
ip link set dev [=i.hostVeth()] master [=i.bridge()] up
<#if i.hairpin()>
ip link set dev [=i.hostVeth()] type bridge_slave hairpin on
</#if>
<#else>
# [=i.name()] on network [=i.network()]: macvlan device (mode [=i.mode()]) on [=i.lower()]
if absent "$ns" [=i.name()] [=i.mark()]; then
    ip link add link [=i.lower()] name [=i.name()] address [=i.mac()]<#if i.mtu()??> mtu [=i.mtu()]</#if> netns "$ns" type macvlan mode [=i.mode()]
    ip -n "$ns" link set dev [=i.name()] alias [=i.mark()]
fi
</#if>
ip -n "$ns" link set dev [=i.name()] up
<#list i.addresses() as a>
ip -n "$ns" addr replace [=a.cidr()] dev [=i.name()]<#if a.ipv6()> nodad</#if>
</#list>
</#list>
<#list c.routes() as r>
ip -n "$ns"<#if r.ipv6()> -6</#if> route replace default via [=r.gateway()] dev [=r.device()]
</#list>
</#list>
