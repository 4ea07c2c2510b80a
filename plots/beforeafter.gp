# beforeafter: per case, the base and new kernel's median time side by side
# (log scale), error bars for the 95% interval of the median, each bar
# labelled with its median, each pair with the ratio, the new bar coloured by
# verdict; optionally the published before/after figures as two hatched bars.
# Filled by `gupharness plot beforeafter`, which writes the data file and a
# params file defining the variables below; run as
#   gnuplot -e "fmt='png'" NAME.params.gp plots/beforeafter.gp
# Variables: plotdir datafile outbase fmt width height title subtitle footnote ylabel
#            base_name new_name ymin ymax ncases has_ref verdicts (the
#            verdict names present, for the key)
# Data columns (tab-separated, one row per case):
#   1 position  2 description  3 case key
#   4 base median  5 base lo  6 base hi  7 base n  8 base label
#   9 new median  10 new lo  11 new hi  12 new n  13 new label
#   14 ratio label  15 verdict  16 verdict colour (24-bit rgb)
#   17 ref before  18 ref after  19 ref before label  20 ref after label
#   21 ref ratio label

load plotdir . '/common.gp'

set datafile separator "\t"
set datafile missing "NaN"
set title title . "\n" . subtitle offset 0, 2.2
set logscale y
set yrange [ymin:ymax]
set xrange [0.4:ncases + 0.6]
set ylabel ylabel
set format y "%.0f"
set grid ytics mytics lc rgb '#dddddd'
set mytics 10
set xtics nomirror scale 0
set ytics nomirror
set border 3
set key at graph 0.5, graph 1.02 center bottom horizontal samplen 1.5 width 1 maxrows 2
set tmargin 7
set style fill solid 0.9 border lc rgb '#333333'
set bmargin 10
set label 1 footnote at character 1, character 4.4 left font ',8' tc rgb '#555555'

# Bar positions and widths: two bars, or four when references are shown.
if (has_ref) {
	bw = 0.17; xb = -0.28; xn = -0.10; xrb = 0.12; xra = 0.29
} else {
	bw = 0.30; xb = -0.16; xn = 0.16; xrb = 0; xra = 0
}
hw = bw / 2.0
top(a, b) = (a > b || b != b) ? a : b
# Labels sit a fixed factor above the top of the interval (log axis).
lab_up = 1.35
ratio_up = 2.4

improved = 0x2e9e44; regressed = 0xd7301f; unchanged = 0x4a78b5; inconclusive = 0xe6a01e

plot \
	datafile using ($1 + xb):(0):($1 + xb - hw):($1 + xb + hw):(ymin):4:xticlabels(strcol(2) . "\n" . strcol(3)) \
		with boxxyerror fc rgb '#9a9a9a' title base_name, \
	NaN with boxes fc rgb sprintf('#%06x', improved) title (strstrt(verdicts, 'improved') ? new_name . ' improved' : ''), \
	NaN with boxes fc rgb sprintf('#%06x', regressed) title (strstrt(verdicts, 'regressed') ? new_name . ' regressed' : ''), \
	NaN with boxes fc rgb sprintf('#%06x', unchanged) title (strstrt(verdicts, 'unchanged') ? new_name . ' unchanged' : ''), \
	NaN with boxes fc rgb sprintf('#%06x', inconclusive) title (strstrt(verdicts, 'inconclusive') ? new_name . ' inconclusive' : ''), \
	datafile using ($1 + xn):(0):($1 + xn - hw):($1 + xn + hw):(ymin):9:16 \
		with boxxyerror fc rgb variable notitle, \
	'' using ($1 + xrb):(0):($1 + xrb - hw):($1 + xrb + hw):(ymin):17 \
		with boxxyerror fs pattern 4 border lc rgb '#555555' lc rgb '#555555' title (has_ref ? 'published before' : ''), \
	'' using ($1 + xra):(0):($1 + xra - hw):($1 + xra + hw):(ymin):18 \
		with boxxyerror fs pattern 5 border lc rgb '#555555' lc rgb '#555555' title (has_ref ? 'published after' : ''), \
	'' using ($1 + xb):4:5:6 with yerrorbars lc rgb '#000000' pt 7 ps 0.3 lw 1.2 notitle, \
	'' using ($1 + xn):9:10:11 with yerrorbars lc rgb '#000000' pt 7 ps 0.3 lw 1.2 notitle, \
	'' using ($1 + xb):($6 * lab_up):8 with labels font ',8' notitle, \
	'' using ($1 + xn):($11 * lab_up):13 with labels font ',8' notitle, \
	'' using ($1 + (xb + xn) / 2):(top($6, $11) * ratio_up):14:16 with labels font ',11:Bold' tc rgb variable notitle, \
	'' using ($1 + xrb):($17 * lab_up):19 with labels font ',8' notitle, \
	'' using ($1 + xra):($18 * lab_up):20 with labels font ',8' notitle, \
	'' using ($1 + (xrb + xra) / 2):(top($17, $18) * ratio_up):21 with labels font ',9:Italic' tc rgb '#555555' notitle
