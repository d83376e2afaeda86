# Builds what the iplink script builds, with one 'ip -batch' for all of the host's links and one
# per container namespace instead of one ip process per command.
# Run it as root. Running it again changes nothing. The output of 'netpolc compile -t
# iplink-teardown' removes what it created: every link it creates, and the loopback of every
# network namespace it creates, carries an alias 'netpolc:...', and the teardown deletes only
# what carries its mark.
set -eu

