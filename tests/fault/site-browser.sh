#!/bin/bash
# site: the nightly dashboard in a real browser. The simulated fortnight
# (fortnight-fixture.bash, +40% step in one case from night 9) is analysed
# by `nightly --report-only`, which writes the site into its report_dir, and
# by `gupharness site --out`. Debian's Chromium, headless, loads every page
# (no console message may appear: the capture is first shown to catch one on
# a page made to fail), the DOM must hold the regressed night in the index,
# the case's row in the night's tables and its chart with the change marked,
# every link inside the site must resolve and nothing may point outside it.
# The night's page is kept as a screenshot in tests/out/site-night.png.
. "$(dirname "$0")/../lib.sh"
plan 19
. "$(dirname "$0")/fortnight-fixture.bash"
fortnight_setup

CHROME=(chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
	--disable-component-update --disable-sync --disable-quic)

# dom FILE: the page's DOM on stdout; its console lines (Chromium's log) in
# FILE.console. Each call has its own profile, so several can run at once.
dom() {
	timeout 60 "${CHROME[@]}" --user-data-dir="$1.profile" --enable-logging=stderr --v=0 \
		--dump-dom "file://$1" 2>"$1.log"
	grep -F ':CONSOLE' "$1.log" >"$1.console"
	rm -rf "$1.profile"
}

fortnight "$SCRATCH/step" 40
ok $? "14 nights imported with a +40% step on night 9"
R=$SCRATCH/step/reports
# night 9's run as `run` would have left it: a run directory with a boot's console log
RUN9=$SCRATCH/step/run9
mkdir -p "$RUN9/nightly-fixture-c0ffee000009/boot0"
echo "Linux version 6.12.0 (fixture console)" >"$RUN9/nightly-fixture-c0ffee000009/boot0/console.log"
sqlite3 "$SCRATCH/step/night.db" "UPDATE runs SET run_dir = '$RUN9' WHERE label = 'nightly/fixture/2025-03-09/c0ffee000009'"
timeout 120 "$H" nightly --config "$SCRATCH/step/nightly.json" --report-only --date 2025-03-14 \
	>/dev/null 2>"$SCRATCH/err"
st=$?
ok $((st != 1)) "nightly reports the regression (exit 1, got $st)"
check "nightly wrote the site's index into its report_dir" -- test -s "$R/index.html"
out=$(timeout 120 "$H" site --config "$SCRATCH/step/nightly.json" --out "$SCRATCH/again" 2>"$SCRATCH/err2")
check "'gupharness site --out DIR' writes one too and prints its path" -- test -s "$out" -a "$out" = "$SCRATCH/again/index.html"

"$H" site --out "$SCRATCH/x" >/dev/null 2>"$SCRATCH/e1"
st=$?
ok $((st != 2 || $(wc -l <"$SCRATCH/e1") != 1)) "'site' without --config: exit 2 and one line ($(head -c 120 "$SCRATCH/e1"))"
"$H" site --config "$SCRATCH/step/nightly.json" --db "$SCRATCH/none.db" --out "$SCRATCH/x" >/dev/null 2>"$SCRATCH/e2"
st=$?
ok $((st != 2 || $(grep -c "no database at '$SCRATCH/none.db'" "$SCRATCH/e2") != 1)) "'site' with a missing database: exit 2 naming it"
check "chromium is installed (make deps)" -- bash -c "command -v chromium >/dev/null"
printf '<!DOCTYPE html><html><body><script>console.error("made to fail")</script></body></html>\n' >"$SCRATCH/bad.html"
dom "$SCRATCH/bad.html" >/dev/null
check "the console capture sees a console error on a page made to fail" -- grep -q 'made to fail' "$SCRATCH/bad.html.console"

mapfile -t pages < <(cd "$R" && find . -name '*.html' | sort)
bad=0 empty=0 i=0
for p in "${pages[@]}"; do   # four browsers at a time
	dom "$R/$p" >"$R/$p.dom" &
	i=$((i + 1))
	[ $((i % 4)) -eq 0 ] && wait
done
wait
for p in "${pages[@]}"; do
	grep -q '</html>' "$R/$p.dom" || { empty=$((empty + 1)); echo "# no DOM from $p"; }
	[ -s "$R/$p.console" ] && { bad=$((bad + 1)); sed 's/^/# /' "$R/$p.console"; }
done
ok $(( ${#pages[@]} < 17 || empty )) "every page (${#pages[@]}: index, 14 nights, 2 cases) gives a DOM"
ok $bad "no page logs a console message ($bad did)"

idx=$R/index.html.dom
check "the index marks the night of 2025-03-09 regressed" -- \
	grep -qE '<tr class="regressed" data-night="2025-03-09">.*<strong>regressed</strong>' "$idx"
ok_n=$(grep -c '<tr class="regressed" data-night=' "$idx")
ok $((ok_n != 1)) "and no other night ($ok_n regressed rows)"
night=$(ls "$R"/site/fixture/2025-03-09-*.html.dom)
check "the night's page has the comparison table with the case's row" -- \
	grep -qF "data-case=\"$STEP_CASE\"" <(sed -n '/<table id="comparison">/,/<\/table>/p' "$night")
check "and its change-point table shows the case regressed, +40% slower" -- \
	grep -qE "<tr class=\"regressed\"><td><a [^>]*>$STEP_CASE</a></td><td>\+(3[0-9]|4[0-9])\.[0-9]% \(slower\)" "$night"
check "the night's page lists its boots and links the console log, copied into the site" -- \
	bash -c "grep -q '<table id=\"boots\">' '$night' && grep -qE 'href=\"boots/[0-9]+.console.log\"' '$night' &&
		grep -q 'fixture console' '$R'/site/fixture/boots/*.console.log"
casepage=$R/site/fixture/case-L_m_512_n_1024_t.html
svg=$R/site/fixture/case-L_m_512_n_1024_t.svg
dom "$svg" >"$svg.dom"
check "the case's page shows its chart, and the chart marks the step (+3x/4x% label, change-point line)" -- \
	bash -c "grep -q '<img id=\"chart\" src=\"case-L_m_512_n_1024_t.svg\"' '$casepage.dom' &&
		grep -qE '>\+(3|4)[0-9]\.[0-9]%<' '$svg.dom' && grep -q 'change point' '$svg.dom'"

# every href and src of every page: inside the site and present
broken=0 outside=0 links=0
for p in "${pages[@]}"; do
	d=$(dirname "$R/$p")
	while read -r u; do
		links=$((links + 1))
		case $u in
		data:*) continue ;;
		*://*|//*) outside=$((outside + 1)); echo "# $p points outside: $u" ;;
		*) [ -e "$d/${u%%#*}" ] || { broken=$((broken + 1)); echo "# $p: broken link $u"; } ;;
		esac
	done < <(grep -oE '(href|src)="[^"]*"' "$R/$p.dom" | sed -E 's/^(href|src)="//; s/"$//; s/&amp;/\&/g')
done
ok $(( broken || links < 50 )) "every link inside the site resolves ($links links, $broken broken)"
ok $outside "nothing points outside the site ($outside links do)"

mkdir -p "$ROOT/tests/out"
shot=$ROOT/tests/out/site-night.png
rm -f "$shot"
timeout 60 "${CHROME[@]}" --user-data-dir="$SCRATCH/shot" --screenshot="$shot" --window-size=1280,1200 "file://${night%.dom}" 2>/dev/null
check "a screenshot of the night's page is kept in tests/out/site-night.png" -- \
	bash -c "test -s '$shot' && head -c 8 '$shot' | grep -q PNG"
tap_done
