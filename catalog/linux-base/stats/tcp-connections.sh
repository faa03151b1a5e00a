#!/bin/sh
# HealOps linux-base / stats: tcp-connections
# TCP sockets by state from /proc/net/tcp and /proc/net/tcp6 (this machine's, or this container's, network
# namespace). Only the perfdata matters (stats job).
# Perfdata: connections (all sockets that are not listening), established, listen, time_wait, close_wait,
# syn_recv (half-open, grows under SYN floods or a full accept queue), other.

LC_ALL=C
export LC_ALL
PATH="${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export PATH

unknown() {
  printf 'TCP UNKNOWN - %s\n' "$*"
  exit 3
}

command -v awk >/dev/null 2>&1 || unknown "awk not found"

set --
for f in /proc/net/tcp /proc/net/tcp6; do
  [ -r "$f" ] && set -- "$@" "$f"
done
[ "$#" -gt 0 ] || unknown "neither /proc/net/tcp nor /proc/net/tcp6 is readable"

awk -v q="'" -v files="$*" '
FNR == 1 { next }
{ n++; st[$4]++ }
END {
  # Kernel TCP states (hex): 01 ESTABLISHED, 06 TIME_WAIT, 08 CLOSE_WAIT, 03 SYN_RECV, 0A LISTEN.
  est = st["01"]; tw = st["06"]; cw = st["08"]; sr = st["03"]; li = st["0A"]
  conn = n - li
  other = conn - est - tw - cw - sr
  printf "TCP OK - %d connections (%d established, %d time_wait, %d close_wait), %d listening", \
    conn, est, tw, cw, li
  printf " | %sconnections%s=%d;;;0 %sestablished%s=%d;;;0 %slisten%s=%d;;;0", q, q, conn, q, q, est, q, q, li
  printf " %stime_wait%s=%d;;;0 %sclose_wait%s=%d;;;0 %ssyn_recv%s=%d;;;0 %sother%s=%d;;;0\n", \
    q, q, tw, q, q, cw, q, q, sr, q, q, other
  print "read from " files
  exit 0
}' "$@"
