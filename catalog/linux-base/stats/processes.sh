#!/bin/sh
# HealOps linux-base / stats: processes
# Counts processes and threads by state from /proc/PID/status. Only the perfdata matters (stats job).
# Perfdata: processes, threads, running (R), blocked (D: uninterruptible, usually waiting for disk or NFS),
# sleeping (S), idle (I: idle kernel threads), stopped (T/t), zombies (Z).

LC_ALL=C
export LC_ALL
PATH="${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export PATH

unknown() {
  printf 'PROCESSES UNKNOWN - %s\n' "$*"
  exit 3
}

command -v awk >/dev/null 2>&1 || unknown "awk not found"
[ -r /proc/self/status ] || unknown "/proc is not mounted or not readable"

# Processes that exit while we read are skipped (cat reports them on stderr, which is discarded).
cat /proc/[0-9]*/status 2>/dev/null | awk -v q="'" '
/^State:/ { n++; s[$2]++ }
/^Threads:/ { t += $2 }
END {
  if (n == 0) { print "PROCESSES UNKNOWN - no process found in /proc"; exit 3 }
  printf "PROCESSES OK - %d processes, %d threads, %d running, %d blocked, %d zombies", n, t, s["R"], s["D"], s["Z"]
  printf " | %sprocesses%s=%d;;;0 %sthreads%s=%d;;;0", q, q, n, q, q, t
  printf " %srunning%s=%d;;;0 %sblocked%s=%d;;;0 %ssleeping%s=%d;;;0", q, q, s["R"], q, q, s["D"], q, q, s["S"]
  printf " %sidle%s=%d;;;0 %sstopped%s=%d;;;0 %szombies%s=%d;;;0\n", q, q, s["I"], q, q, s["T"] + s["t"], q, q, s["Z"]
  exit 0
}'
