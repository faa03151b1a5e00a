#!/bin/sh
# HealOps demo / repair: "start" the demo service by creating its marker file in HEALOPS_STATE_DIR.
# HealOps runs this after demo-service failed; it then waits verifyAfter (1s) and re-runs the check to prove that
# the repair worked. Exit 0 = repair done (the verification decides whether it really worked).

LC_ALL=C
export LC_ALL
PATH="${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export PATH

state=${HEALOPS_STATE_DIR:-}
if [ -z "$state" ] || [ ! -d "$state" ]; then
  echo "REPAIR FAILED - HEALOPS_STATE_DIR is not set or not a folder: ${state:-unset}"
  exit 2
fi
marker="$state/demo-service.running"

echo "check said: ${HEALOPS_CHECK_STATUS:-?} - $(printf '%s\n' "${HEALOPS_CHECK_OUTPUT:-}" | sed -n '1p')"
now=$(date -u +%s 2>/dev/null) || now=0
if ! printf '%s\n' "$now" >"$marker"; then
  echo "REPAIR FAILED - could not write $marker"
  exit 2
fi
echo "REPAIR OK - started the demo service: created $marker"
exit 0
