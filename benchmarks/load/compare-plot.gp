# Chorus and Janus on one ramp, side by side (scripts/bench-compare.sh; the .dat files are
# RunReport::plotData's, columns as in plot.gp):
#   gnuplot -e "chorus='C.dat'; janus='J.dat'; stem='OUT/ramp-rooms'; name='ramp-rooms'" \
#       benchmarks/load/compare-plot.gp
# writes OUT/ramp-rooms-delay.png (p99 one-way delay against participants) and
# OUT/ramp-rooms-cpu.png (each server's CPU against participants).
set terminal pngcairo size 900,540 font "sans,10"
set grid
set key top left
set xlabel "participants"

set output stem."-delay.png"
set title name.": p99 one-way delay, Chorus and Janus on the same core"
set ylabel "p99 delay (ms)"
set logscale y
plot chorus using 3:10 with linespoints title "Chorus p99", \
     janus using 3:10 with linespoints title "Janus p99"

set output stem."-cpu.png"
unset logscale y
set title name.": server CPU, Chorus and Janus on the same core"
set ylabel "server CPU (% of one core)"
set yrange [0:*]
plot chorus using 3:5 with linespoints title "Chorus", \
     janus using 3:5 with linespoints title "Janus"
