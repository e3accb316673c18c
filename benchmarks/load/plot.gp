# Plots of one chorus-bench run's steps (its .dat file, RunReport::plotData's columns):
#   gnuplot -e "datafile='RUN.dat'; stem='RUN'; name='ramp ramp-rooms'" benchmarks/load/plot.gp
# writes RUN-delay.png (one-way delay percentiles and loss against load) and RUN-cpu.png (the
# server's and the harness's CPU, and packets forwarded per server CPU-second, against load).
# Columns: 1 step, 2 load, 3 participants, 4 pkt/s, 5 server CPU %, 6 harness CPU %,
# 7 pkt per CPU-s, 8 p50 ms, 9 p90 ms, 10 p99 ms, 11 max ms, 12 loss %.
set terminal pngcairo size 900,540 font "sans,10"
set grid
set key top left
set xlabel "participants"

set output stem."-delay.png"
set title name.": one-way delay and loss against load"
set ylabel "delay (ms)"
set y2label "loss (%)"
set y2tics
set ytics nomirror
set logscale y
plot datafile using 3:8 with linespoints title "p50", \
     datafile using 3:9 with linespoints title "p90", \
     datafile using 3:10 with linespoints title "p99", \
     datafile using 3:11 with linespoints title "max", \
     datafile using 3:12 axes x1y2 with linespoints dashtype 2 title "loss (right)"

set output stem."-cpu.png"
unset logscale y
set title name.": CPU and forwarding against load"
set ylabel "CPU (% of one core)"
set y2label "packets forwarded per server CPU-second"
set yrange [0:*]
set y2range [0:*]
plot datafile using 3:5 with linespoints title "server CPU", \
     datafile using 3:6 with linespoints title "harness CPU", \
     datafile using 3:7 axes x1y2 with linespoints dashtype 2 title "pkt per CPU-s (right)"
