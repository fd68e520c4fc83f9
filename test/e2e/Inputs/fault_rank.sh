#!/bin/sh
# Runs a command on every rank of an mpirun job and, on one rank, sends it
# a signal after a delay: a rank that hangs (STOP) or dies (KILL).
#   fault_rank.sh RANK SIGNAL SECONDS COMMAND [ARGS...]
rank=$1 signal=$2 delay=$3
shift 3
if [ "${OMPI_COMM_WORLD_RANK:-${PMI_RANK:-}}" = "$rank" ]; then
  # The shell becomes COMMAND (exec keeps its pid), which the background
  # job signals.
  (sleep "$delay" && kill -s "$signal" $$) &
fi
exec "$@"
