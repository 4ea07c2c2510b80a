# dist: every sample of each case per kernel, so noise, outliers and slow
# first repeats are visible. Kernels can differ 40x while their noise is a
# few percent, so y is each sample's deviation from the median of its own
# case and kernel; the median itself is printed under each box. A box
# (quartiles, Tukey whiskers) summarises the measured repeats, dots are the
# repeats (jittered sideways), open triangles the warm-ups. Filled by
# `gupharness plot dist`; run as
#   gnuplot -e "fmt='png'" NAME.params.gp plots/dist.gp
# Variables: plotdir datafile outbase fmt width height title subtitle footnote
#            ylabel colours (one per kernel, space-separated) nsides name1..
#            nameN boxwidth ncases nwarm ymin ymax
# Data blocks (tab-separated; deviations in %):
#   index 0, boxes:  x  whisker-lo  q1  median(0)  q3  whisker-hi  side  n  median label  median us
#   index 1, points: x  deviation  side  warm-up (0/1)  raw us
#   index 2, ticks:  position  description  case key

load plotdir . '/common.gp'

set datafile separator "\t"
set title title . "\n" . subtitle offset 0, 1.5
set yrange [ymin:ymax]
set xrange [0.4:ncases + 0.6]
set ylabel ylabel
set format y "%+.0f%%"
set grid ytics lc rgb '#e4e4e4'
set xtics nomirror scale 0 offset 0, -1
set ytics nomirror
set border 3
set tmargin 6
set bmargin 9
set key at graph 0.5, graph 1.02 center bottom horizontal samplen 1 width 1
set label 1 footnote at character 1, character 3.3 left font ',8' tc rgb '#555555'
set boxwidth boxwidth absolute
set style fill solid 0.25 border
set arrow 1 from graph 0, first 0 to graph 1, first 0 nohead lc rgb '#999999' dt 2 back

colour(k) = word(colours, int(k))
rgb(k) = int('0x' . colour(k)[2:7])

plot \
	datafile index 2 using 1:(NaN):xticlabels(strcol(2) . "\n" . strcol(3)) notitle, \
	for [k=1:nsides] NaN with points pt 7 ps 1 lc rgb colour(k) title value('name' . k), \
	NaN with points pt 8 ps 1 lc rgb '#444444' title (nwarm > 0 ? 'warm-up repeat' : ''), \
	datafile index 0 using 1:3:2:6:5:(rgb($7)) with candlesticks whiskerbars 0.5 lw 1.2 lc rgb variable notitle, \
	'' index 0 using 1:4:4:4:4:(rgb($7)) with candlesticks lw 2.5 lc rgb variable notitle, \
	'' index 1 using 1:($4 == 0 ? $2 : NaN):(rgb($3)) with points pt 7 ps 0.55 lc rgb variable notitle, \
	'' index 1 using 1:($4 == 1 ? $2 : NaN):(rgb($3)) with points pt 8 ps 0.9 lc rgb variable notitle, \
	'' index 0 using 1:(ymin):9:(rgb($7)) with labels offset 0, 0.8 font ',8' tc rgb variable notitle
