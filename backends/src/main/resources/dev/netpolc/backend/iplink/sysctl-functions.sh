
# Sets a sysctl (its path below /proc/sys) to 1, writing only when it is not 1 already, so that
# a run on a host where it is set changes nothing.
# (cat, because the kernel answers a read at an offset other than 0 with end of file, which
# makes the shell's byte-by-byte 'read' fail.)
sysctl_on() {
    [ "$(cat "/proc/sys/$1")" = 1 ] || echo 1 >"/proc/sys/$1"
}

# Sysctls. They are not reverted by the teardown: other software may rely on them.
