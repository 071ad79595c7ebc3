#!/bin/sh
# The chaos suite's sensor source (agent.yaml `sensors: [{type: command}]`): `sh sensors.sh ROBOT_DIR` prints a docked,
# charging, healthy robot, which runs hot (93 C against the 80 C limit) on any release VERSION for which the marker
# ROBOT_DIR/chaos/hot-VERSION exists; mission state comes from the lock file ROBOT_DIR/chaos/busy instead.
robot="$1"
version=$(cat "$robot/current/VERSION" 2>/dev/null)
temperature=40
if [ -e "$robot/chaos/hot-$version" ]; then
  temperature=93
fi
echo "{\"batteryPercent\": 90, \"charging\": true, \"docked\": true, \"temperatureC\": $temperature, \"latencyMs\": 20, \"serviceUp\": true}"
