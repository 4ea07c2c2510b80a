# heatmap: for a matrix run, the ratio median(new)/median(base) of each case
# over two matrix axes, one cell per case, on a diverging palette centred on
# 1 (blue faster, white equal, red slower; colour is log2 of the ratio so
# 2x faster and 2x slower are equally strong). Each cell names its ratio and
# verdict. Cases that differ in other axes get separate charts (the facet).
# Filled by `gupharness plot heatmap`; run as
#   gnuplot -e "fmt='png'" NAME.params.gp plots/heatmap.gp
# Variables: plotdir datafile outbase fmt width height title subtitle footnote
#            facet xlabel ylabel nx ny cbmax (colour range is log2 ratio
#            -cbmax..cbmax)
# Data blocks (tab-separated):
#   index 0, one row per cell: 1 x index  2 y index  3 log2 ratio  4 ratio
#            5 ratio label  6 verdict  7 x value  8 y value  9 case key
#   index 1, x ticks: index  value;  index 2, y ticks: index  value

load plotdir . '/common.gp'

set datafile separator "\t"
set title title . "\n" . subtitle . "\n" . facet offset 0, 0.5
set xrange [-0.5:nx - 0.5]
set yrange [-0.5:ny - 0.5]
set xlabel xlabel
set ylabel ylabel
set xtics scale 0 out nomirror
set ytics scale 0 out nomirror
set tmargin 6
set bmargin 8
set label 1 footnote at character 1, character 3.3 left font ',8' tc rgb '#555555'
set palette defined (-1 '#2166ac', -0.5 '#92c5de', 0 '#f7f7f7', 0.5 '#f4a582', 1 '#b2182b')
set cbrange [-cbmax:cbmax]
set cblabel 'new / base (log2 scale)'
set cbtics ()
do for [k=-cbmax:cbmax] {
	lab = k < 0 ? sprintf('1/%gx', 2**(-k)) : sprintf('%gx', 2**k)
	set cbtics add (lab k)
}
set style fill solid 1.0 border lc rgb '#c8c8c8'
unset key
set border 0

plot \
	datafile index 1 using 1:(NaN):xticlabels(2), \
	'' index 2 using (NaN):1:yticlabels(2), \
	'' index 0 using 1:2:($1 - 0.5):($1 + 0.5):($2 - 0.5):($2 + 0.5):3 with boxxyerror fc palette, \
	'' index 0 using 1:2:5 with labels offset 0, 0.5 font ',10:Bold', \
	'' index 0 using 1:2:6 with labels offset 0, -0.7 font ',8' tc rgb '#333333'
