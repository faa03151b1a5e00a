#!/bin/sh
# Nagios plugin contract: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; first line "TEXT | perfdata".
path="${HEALOPS_PARAM_PATH:-}"
if [ -z "$path" ]; then
  echo "PATH UNKNOWN - params.path is empty"
  exit 3
fi
if [ ! -d "$path" ]; then
  echo "PATH CRITICAL - $path does not exist"
  exit 2
fi
if [ ! -w "$path" ]; then
  echo "PATH CRITICAL - $path is not writable"
  exit 2
fi
entries=$(find "$path" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
echo "PATH OK - $path is writable | entries=${entries};;;0;"
exit 0
