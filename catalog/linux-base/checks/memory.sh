#!/bin/sh
# HealOps linux-base / memory
# Memory available for new work (MemAvailable in /proc/meminfo: free memory plus reclaimable caches), in percent
# of MemTotal. Alerts when it falls BELOW the thresholds.
#
# Params (env HEALOPS_PARAM_*):
#   MEM_WARN  warn when less than this percent of memory is available (default 10)
#   MEM_CRIT  critical when less than this percent is available (default 5)
# Perfdata: available (MB) and available_pct (%) with lower-bound thresholds (Nagios range "N:"), swap_used (MB).

LC_ALL=C
export LC_ALL
PATH="${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export PATH

unknown() {
  printf 'MEMORY UNKNOWN - %s\n' "$*"
  exit 3
}

is_percent() {
  case $1 in
  '' | . | *[!0-9.]* | *.*.*) return 1 ;;
  esac
  awk -v v="$1" 'BEGIN { exit !(v + 0 <= 100) }'
}

warn=${HEALOPS_PARAM_MEM_WARN:-10}
crit=${HEALOPS_PARAM_MEM_CRIT:-5}

command -v awk >/dev/null 2>&1 || unknown "awk not found"
is_percent "$warn" || unknown "param mem_warn must be a percentage 0-100, got '$warn'"
is_percent "$crit" || unknown "param mem_crit must be a percentage 0-100, got '$crit'"
awk -v w="$warn" -v c="$crit" 'BEGIN { exit !(c + 0 <= w + 0) }' ||
  unknown "param mem_crit ($crit) must not exceed mem_warn ($warn): both are minimum available percentages"
[ -r /proc/meminfo ] || unknown "/proc/meminfo is not readable (is /proc mounted?)"

awk -v q="'" -v warn="$warn" -v crit="$crit" '
$1 == "MemTotal:" { total = $2 }
$1 == "MemAvailable:" { avail = $2; have = 1 }
$1 == "SwapTotal:" { swaptotal = $2 }
$1 == "SwapFree:" { swapfree = $2 }
END {
  if (total == "" || total + 0 <= 0) { print "MEMORY UNKNOWN - no MemTotal in /proc/meminfo"; exit 3 }
  if (!have) { print "MEMORY UNKNOWN - no MemAvailable in /proc/meminfo (kernel older than 3.14?)"; exit 3 }
  pct = avail * 100 / total
  if (pct < crit + 0) { status = "CRITICAL"; rc = 2 }
  else if (pct < warn + 0) { status = "WARNING"; rc = 1 }
  else { status = "OK"; rc = 0 }
  tmb = total / 1024; amb = avail / 1024; smb = (swaptotal - swapfree) / 1024
  printf "MEMORY %s - %.1f%% available (%.0f MB of %.0f MB; warn below %s%%, crit below %s%%)", \
    status, pct, amb, tmb, warn, crit
  printf " | %savailable%s=%.0fMB;%.0f:;%.0f:;0;%.0f", q, q, amb, tmb * warn / 100, tmb * crit / 100, tmb
  printf " %savailable_pct%s=%.1f%%;%s:;%s:;0;100", q, q, pct, warn, crit
  printf " %sswap_used%s=%.0fMB;;;0;%.0f\n", q, q, smb, swaptotal / 1024
  exit rc
}' /proc/meminfo
