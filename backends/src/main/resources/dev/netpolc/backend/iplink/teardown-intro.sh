# Removes the links and network namespaces that the iplink (or iplink-batch) script of the same
# policy created, and nothing else: a link or a namespace is deleted only when it carries the
# mark (an alias 'netpolc:...') the setup gave it. Sysctls are left as they are.
# Run it as root; running it again changes nothing.
set -eu

