# common: the terminal and look shared by every chart template. Loaded by
# each template after the params file has set fmt, outbase, width and height;
# fmt picks PNG (cairo, for mails) or SVG (for pages and dashboards).
if (fmt eq 'svg') {
	set terminal svg size width, height dynamic noenhanced font 'DejaVu Sans,11' background rgb 'white'
	set output outbase . '.svg'
} else {
	set terminal pngcairo size width, height noenhanced font 'DejaVu Sans,10' background rgb 'white'
	set output outbase . '.png'
}
set encoding utf8
