#!/bin/sh
# HealOps linux-base / repair for the `process` check: restart the systemd service named by param `service`.
#
# Safe by default: with `service` unset this repair does nothing and exits 3, so HealOps records a failed repair
# and escalates (opens a ticket) instead of guessing which service owns the missing process.
#
# Params (env HEALOPS_PARAM_*):
#   SERVICE  systemd unit to restart, e.g. nginx or nginx.service (letters, digits and @ . _ : - only)
# Exit: 0 restarted and active; 2 restart failed; 3 not configured or cannot run here (nothing was changed).

LC_ALL=C
export LC_ALL
PATH="${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export PATH

service=${HEALOPS_PARAM_SERVICE:-}
process=${HEALOPS_PARAM_PROCESS:-the init process}

if [ -z "$service" ]; then
  echo "REPAIR SKIPPED - param service is not set, so HealOps does not know which systemd service runs" \
    "'$process'; nothing was changed. Set param service (e.g. service: nginx) to let HealOps restart it."
  exit 3
fi

case $service in
-* | *[!A-Za-z0-9@._:-]*)
  echo "REPAIR SKIPPED - param service '$service' is not a valid systemd unit name; nothing was changed"
  exit 3
  ;;
esac

if ! command -v systemctl >/dev/null 2>&1; then
  echo "REPAIR SKIPPED - systemctl not found; cannot restart '$service' on this machine"
  exit 3
fi

if [ ! -d /run/systemd/system ]; then
  init=$(cat /proc/1/comm 2>/dev/null) || init=unknown
  echo "REPAIR SKIPPED - systemd is not running on this machine (PID 1 is $init); cannot restart '$service'"
  exit 3
fi

before=$(systemctl is-active -- "$service" 2>/dev/null) || true
echo "restarting systemd service '$service' (state before: ${before:-unknown})"

if ! out=$(systemctl restart -- "$service" 2>&1); then
  echo "REPAIR FAILED - systemctl restart $service failed: $out"
  systemctl --no-pager --lines=10 status -- "$service" 2>&1 | head -n 20
  exit 2
fi

after=$(systemctl is-active -- "$service" 2>/dev/null) || true
if [ "$after" != active ]; then
  echo "REPAIR FAILED - '$service' is '${after:-unknown}' after restart"
  systemctl --no-pager --lines=10 status -- "$service" 2>&1 | head -n 20
  exit 2
fi

echo "REPAIR OK - '$service' restarted and active"
exit 0
