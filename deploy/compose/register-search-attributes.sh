#!/bin/sh
# Registers otaflow's five Keyword search attributes in $OTAFLOW_NAMESPACE on $TEMPORAL_ADDRESS (the temporal CLI reads
# TEMPORAL_ADDRESS itself). Run once by compose.yaml's temporal-search-attributes service; running it again is harmless.
set -eu
namespace="${OTAFLOW_NAMESPACE:-otaflow}"
for name in OtaflowRolloutId OtaflowRelease OtaflowRobotId OtaflowStage OtaflowStatus; do
  if temporal operator search-attribute list --namespace "$namespace" | grep -qw "$name"; then
    echo "$name: already registered"
  else
    temporal operator search-attribute create --namespace "$namespace" --name "$name" --type Keyword
  fi
done
