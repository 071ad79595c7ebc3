#!/bin/sh
# The chaos suite's hook: agent.yaml runs it around the slot switch (beforeSwitch, afterSwitch) and as a health
# probe command (probe), as `sh hook.sh ROBOT_DIR POINT`. It holds the robot at a moment the suite chose, from the
# outside: when ROBOT_DIR/chaos/arm-POINT-VERSION exists (VERSION: the release `current` runs now) and holds 0, the
# run renames it held-POINT-VERSION and waits until the suite deletes that file; a file holding N > 0 lets N runs
# pass first. Every run is logged to ROBOT_DIR/chaos/hooks.log. It exits 0: a released hold passes.
robot="$1"
point="$2"
version=$(cat "$robot/current/VERSION" 2>/dev/null)
echo "$(date +%H:%M:%S.%N) $point $version" >> "$robot/chaos/hooks.log"
arm="$robot/chaos/arm-$point-$version"
[ -f "$arm" ] || exit 0
skip=$(cat "$arm")
if [ "${skip:-0}" -gt 0 ]; then
  echo $((skip - 1)) > "$arm"
  exit 0
fi
held="$robot/chaos/held-$point-$version"
mv "$arm" "$held"
# Should the suite be gone, give up after 3 minutes (the agent's hook timeout).
waited=0
while [ -e "$held" ] && [ "$waited" -lt 1800 ]; do
  sleep 0.1
  waited=$((waited + 1))
done
exit 0
