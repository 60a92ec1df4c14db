# Without -j, a stage starts one worker per CPU it may use: under `taskset` to one CPU, one worker,
# even on a machine with more (the threads of a run: main, the reader, the workers).
source "$(dirname "$0")/lib.sh"
make_corpus corpus.jsonl
cpu=$(python3 -c 'import os; print(min(os.sched_getaffinity(0)))')
# Prints the largest number of threads the run had while it read from a FIFO held open.
threads_of_a_run() {
  rm -f fifo && mkfifo fifo
  "$@" -q fifo > /dev/null &
  local pid=$!
  exec 3<> fifo  # read-write: does not wait for the stage to open the FIFO
  head -100 corpus.jsonl >&3
  local most=0 count
  for _ in $(seq 40); do
    count=$(ls "/proc/$pid/task" 2> /dev/null | wc -l)
    ((count > most)) && most=$count
    sleep 0.05
  done
  exec 3>&-
  wait "$pid" || { echo "exit code $?"; return; }
  echo "$most"
}
expect_eq "$(threads_of_a_run taskset -c "$cpu" "$DQPREP" normalize)" 3 "threads without -j on one CPU"
expect_eq "$(threads_of_a_run taskset -c "$cpu" "$DQPREP" normalize -j 3)" 5 "threads with -j 3 on one CPU"
echo "threads_default: ok"
