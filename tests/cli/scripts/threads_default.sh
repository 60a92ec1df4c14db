# Without -j, a stage starts one worker per CPU it may use: under `taskset` to one CPU, one worker,
# even on a machine with more (the threads of a run: main, the reader, the workers).
source "$(dirname "$0")/lib.sh"
make_corpus corpus.jsonl
cpu=$(python3 -c 'import os; print(min(os.sched_getaffinity(0)))')
threads_of_a_run() {
  rm -f fifo && mkfifo fifo
  "$@" -q fifo > /dev/null &
  local pid=$!
  exec 3> fifo
  head -100 corpus.jsonl >&3
  # The stage holds the FIFO open; its threads are up once it has read the first lines.
  local count=0
  for _ in $(seq 100); do
    count=$(ls /proc/$pid/task | wc -l)
    ((count >= 3)) && break
    sleep 0.05
  done
  sleep 0.2
  count=$(ls /proc/$pid/task | wc -l)
  exec 3>&-
  wait $pid
  echo "$count"
}
expect_eq "$(threads_of_a_run taskset -c "$cpu" "$DQPREP" normalize)" 3 "threads without -j on one CPU"
expect_eq "$(threads_of_a_run taskset -c "$cpu" "$DQPREP" normalize -j 3)" 5 "threads with -j 3 on one CPU"
echo "threads_default: ok"
