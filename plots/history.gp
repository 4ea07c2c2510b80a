# history: one case's median over runs in time order (oldest left) (nightly use), with the
# 95% interval of each median as a band and the change points found in the
# series as dashed vertical lines labelled with the change of the median.
# Filled by `gupharness plot history`; run as
#   gnuplot -e "fmt='png'" NAME.params.gp plots/history.gp
# Variables: plotdir datafile outbase fmt width height title subtitle footnote
#            ylabel npoints changes (space-separated point numbers where a
#            new segment starts) change_labels (matching "+37.0%" words)
# Data columns (tab-separated, one row per run and kernel, oldest first):
#   1 point number  2 median  3 CI lo  4 CI hi  5 n
#   6 tick label ("#run date", plus the kernel when it varies; empty when
#     ticks are thinned)  7 kernel

load plotdir . '/common.gp'

set datafile separator "\t"
set title title . "\n" . subtitle offset 0, 1
set xrange [0.5:npoints + 0.5]
set ylabel ylabel
set grid ytics lc rgb '#e4e4e4'
set xtics nomirror rotate by 35 right scale 0.5 font ',9'
set ytics nomirror
set border 3
set tmargin 6
set bmargin 14
set lmargin 24
set rmargin 4
set key at graph 1, graph 1.01 right bottom horizontal samplen 2
set label 1 footnote at character 1, character 3.3 left font ',8' tc rgb '#555555'
set style fill transparent solid 0.25 noborder

do for [i=1:words(changes)] {
	cx = word(changes, i) + 0 - 0.5
	set arrow i from first cx, graph 0 to first cx, graph 1 nohead dt 2 lw 1.5 lc rgb '#d7301f' front
	set label 100 + i word(change_labels, i) at first cx, graph 0.97 left offset 0.5, 0 tc rgb '#d7301f' font ',9:Bold' front
}

plot \
	datafile using 1:3:4 with filledcurves lc rgb '#4a78b5' title '95% CI of the median', \
	'' using 1:2:xticlabels(6) with linespoints pt 7 ps 0.8 lw 1.5 lc rgb '#1f4e8c' title 'median of the run', \
	NaN with lines dt 2 lw 1.5 lc rgb '#d7301f' title (words(changes) > 0 ? 'change point' : '')
