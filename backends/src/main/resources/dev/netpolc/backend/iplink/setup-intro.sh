# Builds the policy's links, addresses and routes on this host: bridges, veth pairs, network
# namespaces, macvlan, VLAN and VXLAN devices, one ip command at a time.
# Run it as root. Running it again changes nothing. The output of 'netpolc compile -t
# iplink-teardown' removes what it created: every link it creates, and the loopback of every
# network namespace it creates, carries an alias 'netpolc:...', and the teardown deletes only
# what carries its mark.
set -eu

