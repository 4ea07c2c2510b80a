# site-history: one case's nightly medians for the dashboard (harness/lab/site-chart.c):
# each night's median as a point, the lowest to highest boot median as an
# error bar, nights of a regressed segment in red, change points as dashed
# vertical lines labelled with the change. SVG only, no script in it.
#   gnuplot NAME.params.gp plots/site-history.gp
# Variables: datafile outfile title ylabel npoints changes change_labels
# Data columns (tab-separated, one row per night, oldest first):
#   1 point  2 median  3 lowest boot median  4 highest  5 regressed (0/1)  6 date

set terminal svg size 960,420 dynamic font 'sans,11' background rgb 'white'
set output outfile
set datafile separator "\t"
set title title
set xrange [0.5:npoints + 0.5]
set ylabel ylabel
set grid ytics lc rgb '#e4e4e4'
set xtics nomirror rotate by 35 right scale 0.5 font ',9'
set ytics nomirror
set border 3
set bmargin 6
set key top left horizontal samplen 2

do for [i=1:words(changes)] {
	cx = word(changes, i) + 0 - 0.5
	set arrow i from first cx, graph 0 to first cx, graph 1 nohead dt 2 lw 1.5 lc rgb '#d7301f' front
	set label 100 + i word(change_labels, i) at first cx, graph 0.95 left offset 0.5, 0 tc rgb '#d7301f' front
}

plot \
	datafile using 1:($5 == 0 ? $2 : NaN):3:4:xticlabels(6) with yerrorbars pt 7 ps 0.8 lc rgb '#1f4e8c' title 'nightly median (bar: boot medians)', \
	'' using 1:($5 == 1 ? $2 : NaN):3:4 with yerrorbars pt 7 ps 0.8 lc rgb '#d7301f' title 'regressed', \
	NaN with lines dt 2 lw 1.5 lc rgb '#d7301f' title (words(changes) > 0 ? 'change point' : '')
