#!/bin/sh
# HealOps linux-base / stats: uptime
# Seconds since boot from /proc/uptime; a drop to a small value in the metrics shows a reboot.
# Perfdata: uptime (s).

LC_ALL=C
export LC_ALL
PATH="${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export PATH

unknown() {
  printf 'UPTIME UNKNOWN - %s\n' "$*"
  exit 3
}

command -v awk >/dev/null 2>&1 || unknown "awk not found"
[ -r /proc/uptime ] || unknown "/proc/uptime is not readable (is /proc mounted?)"
read -r up _idle </proc/uptime || unknown "/proc/uptime is empty"
case $up in
'' | *[!0-9.]*) unknown "unexpected /proc/uptime content: $up" ;;
esac

awk -v q="'" -v up="$up" 'BEGIN {
  s = int(up); d = int(s / 86400); h = int((s % 86400) / 3600); m = int((s % 3600) / 60)
  printf "UPTIME OK - up %d day%s %02d:%02d | %suptime%s=%.0fs;;;0\n", d, (d == 1 ? "" : "s"), h, m, q, q, up
  exit 0
}'
