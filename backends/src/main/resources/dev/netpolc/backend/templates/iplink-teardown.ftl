<#-- A POSIX sh script that removes what the iplink script of the same policy created. -->
#!/bin/sh
# netpolc iplink-teardown for [=plan.source()]<#if plan.node()??>, node [=plan.node()]</#if>.
# Removes the links and network namespaces that the iplink (or iplink-batch) script of the same
# policy created, and nothing else: a link or a namespace is deleted only when it carries the
# mark (an alias 'netpolc:...') the setup gave it. Sysctls are left as they are.
# Run it as root; running it again changes nothing.
set -eu

<#include "iplink-common.ftl">

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
<#list plan.drops() as d>

# [=d.comment()]
<#if d.link()??>
<#if d.namespace()??>
drop_link "$p"[=d.namespace()] [=d.link()] [=d.mark()]
<#else>
drop_link '' [=d.link()] [=d.mark()]
</#if>
<#else>
drop_netns "$p"[=d.namespace()] [=d.mark()]
</#if>
</#list>
