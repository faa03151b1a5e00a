#!/bin/sh
# HealOps demo / demo-service
# A pretend service whose "running" state is a marker file in HealOps' private state folder for this package and
# target. On a fresh machine the marker does not exist yet, so the first run is CRITICAL - which lets HealOps show
# its whole lifecycle: failure, repair (repairs/start-demo-service.sh), verification, "recovered".
# Perfdata: up (1 running, 0 not), uptime (s since the demo service was started).

LC_ALL=C
export LC_ALL
PATH="${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export PATH

unknown() {
  printf 'DEMO UNKNOWN - %s\n' "$*"
  exit 3
}

state=${HEALOPS_STATE_DIR:-}
[ -n "$state" ] || unknown "HEALOPS_STATE_DIR is not set (HealOps sets it; by hand: HEALOPS_STATE_DIR=\$(mktemp -d) $0)"
[ -d "$state" ] || unknown "state folder $state does not exist"
marker="$state/demo-service.running"

if [ ! -f "$marker" ]; then
  printf "DEMO CRITICAL - demo service is not running (no %s) | 'up'=0;;1:;0;1\n" "$marker"
  echo "This is expected on the first run: HealOps now runs the repair, which starts the service."
  exit 2
fi

started=$(sed -n '1p' "$marker" 2>/dev/null)
now=$(date -u +%s 2>/dev/null)
case $started$now in
'' | *[!0-9]*) uptime=0 ;;
*) uptime=$((now - started)) ;;
esac
printf "DEMO OK - demo service is running (started %ss ago) | 'up'=1;;1:;0;1 'uptime'=%ss;;;0\n" "$uptime" "$uptime"
exit 0
