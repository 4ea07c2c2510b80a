#!/bin/bash
# nightly: a simulated fortnight. Fourteen nights of results streams (the
# bench/PROTOCOL.md format) are imported under nightly labels with a +40%
# step injected into one case from the ninth night on; the report must name
# that night, the case and the size, and exit 1. A fortnight of noise alone
# must report nothing and exit 0. Each night has its own boot-level offset
# (as real boots do, see DESIGN) on top of per-repeat noise. The report
# names the kernel builds of tonight and the last good night.
. "$(dirname "$0")/../lib.sh"
plan 16
scratch
H=$GUPHARNESS
export GUPBENCH_QUIET=1

STEP_CASE="-L -m 512 -n 1024 -t"
QUIET_CASE="-L -m 128 -n 1024 -T"

# stream NIGHT JUMP_PCT: one boot's results stream on stdout; $RANDOM is
# seeded by the caller, so the fortnight is the same every time.
stream() {
	local night=$1 jump=$2 seq=0 key base id boot argv mb
	printf '{"type":"env","seq":0,"format":"gupbench-stream-1","tool_version":"test","release":"6.12.0","cmdline":"console=ttyS0","arch":"x86_64","page_size":4096,"cpus":2,"numa_nodes":1,"gup_test":true,"init":true}\n'
	for id in thp-pin nothp-pin; do
		if [ $id = thp-pin ]; then key=$STEP_CASE base=2300 thp=on; else key=$QUIET_CASE base=97000 thp=off; fi
		[ $id = thp-pin ] && [ "$night" -ge 9 ] && base=$((base * (100 + jump) / 100))
		boot=$((RANDOM % 601 - 300))   # this boot's luck: -3% .. +3%
		seq=$((seq + 1))
		printf '{"type":"start","seq":%d,"id":"%s"}\n' $seq $id
		seq=$((seq + 1))
		# the argv whose key is $key (ingest checks one against the other)
		argv=$(printf '"%s",' $key -r 10 --warmup 1)
		mb=$(set -- $key; echo "$3")
		printf '{"type":"case","seq":%d,"id":"%s","tool":"gupbench","argv":[%s],"key":"%s","params":{"cmd":"pin_longterm","size_mb":%d,"nr_pages_per_call":1024,"thp":"%s","hugetlb_kb":0,"repeats":10,"warmup":1},"status":"ok","samples":[' \
			$seq $id "${argv%,}" "$key" "$mb" $thp
		for r in $(seq 0 10); do
			# each repeat: -2% .. +2% around the boot's level; repeat 0 is a slow warm-up
			local v=$((base * (10000 + boot + RANDOM % 401 - 200) / 10000))
			[ "$r" -eq 0 ] && v=$((v * 3 / 2))
			printf '%s{"get_us":%d,"put_us":%d,"truncated":false,"warmup":%s,"thread":0}' \
				"$([ "$r" -gt 0 ] && echo ,)" $v $((v / 10)) "$([ "$r" -eq 0 ] && echo true || echo false)"
		done
		printf ']}\n'
	done
	seq=$((seq + 1))
	printf '{"type":"end","seq":%d,"cases":2,"ok":2,"skip":0,"error":0}\n' $seq
}

# fortnight DIR JUMP_PCT: config, database and 14 imported nights in DIR.
fortnight() {
	local dir=$1 jump=$2 n d id
	mkdir -p "$dir"
	echo "not really a tarball: only its sha256 names the source" >"$dir/src.tar.xz"
	echo '{"cases": []}' >"$dir/matrix.json"
	cat >"$dir/nightly.json" <<JSON
{
  "name": "fortnight",
  "db": "night.db",
  "report_dir": "reports",
  "matrices": ["matrix.json"],
  "sources": [ { "name": "fixture", "tarball": "src.tar.xz" } ],
  "thresholds": { "change_pct": 10 }
}
JSON
	RANDOM=4242
	for n in $(seq 1 14); do
		d=$(printf '2025-03-%02d' "$n")
		id=$(printf 'c0ffee%06x' "$n")
		stream "$n" "$jump" >"$dir/night-$n.jsonl"
		"$H" db import "$dir/night-$n.jsonl" --db "$dir/night.db" --kernel "nightly-fixture-$id" \
			--label "nightly/fixture/$d/$id" >/dev/null 2>"$dir/import.err" || return 1
	done
}

fortnight "$SCRATCH/step" 40
ok $? "14 nights imported with a +40% step on night 9"
# tonight's kernel as a cache entry would describe it (an import has no metadata)
sqlite3 "$SCRATCH/step/night.db" "UPDATE kernels SET source = 'git-0123456789abcdef0123456789abcdef01234567',
	series = 'fix@fedcba987654', config_hash = '$(printf 'c%.0s' {1..64})', compiler = 'gcc (Test) 12.2.0',
	arch = 'x86_64', meta = '{\"series\": {\"patch_sha256\": [\"$(printf 'a%.0s' {1..64})\", \"$(printf 'b%.0s' {1..64})\"]}}'
	WHERE name = 'nightly-fixture-c0ffee00000e'"

timeout 120 "$H" nightly --config "$SCRATCH/step/nightly.json" --report-only --date 2025-03-14 \
	>"$SCRATCH/step/out" 2>"$SCRATCH/step/err"
st=$?
ok $((st != 1)) "a regressed case makes nightly exit 1 (got $st)"
md=$(cat "$SCRATCH/step/out")
check "the Markdown report path is printed on stdout" -- test -s "$md"
check "an HTML report is written next to it" -- grep -q '<table>' "${md%.md}.html"
row=$(grep -F "| $STEP_CASE | 2025-03-09" "$md")
ok $? "the report names the case and its first bad night 2025-03-09"
sz=$(printf '%s\n' "$row" | sed -n 's/.*| +\([0-9]*\)\.[0-9]% (slower).*/\1/p')
ok $(( ! (sz >= 30 && sz <= 50) )) "the size of the change is about +40% (reported +${sz:-?}%)"
check "the report says the case is regressed now" -- grep -qF "REGRESSED" <<<"$row"
ok $(grep -F "| $QUIET_CASE | 2025-" "$md" | grep -c "slower\|faster") "the quiet case has no change"
check "the summary counts one changed case" -- grep -q '^1 case changed; 1 regressed now' "$md"
check "tonight is compared against the last good night" -- \
	grep -q 'nightly/fixture/2025-03-14/c0ffee00000e against nightly/fixture/2025-03-13/c0ffee00000d' "$md"
check "the report names tonight's kernel build: source, series, patches, config, compiler, arch" -- \
	grep -qF "| fixture | 2025-03-14 (c0ffee00000e), tonight | nightly-fixture-c0ffee00000e (release ?): source git-0123456789ab, series fix@fedcba987654 (patches aaaaaaaaaaaa bbbbbbbbbbbb), config cccccccccccc, gcc (Test) 12.2.0, x86_64 |" "$md"
check "and the last good night's, whose provenance is unknown" -- \
	grep -qF "| fixture | 2025-03-13 (c0ffee00000d), last good | nightly-fixture-c0ffee00000d (release ?): source unknown, no series, config unknown, compiler unknown, arch unknown |" "$md"

fortnight "$SCRATCH/noise" 0
ok $? "14 nights of noise only imported"
timeout 120 "$H" nightly --config "$SCRATCH/noise/nightly.json" --report-only --date 2025-03-14 \
	>"$SCRATCH/noise/out" 2>"$SCRATCH/noise/err"
st=$?
ok $st "a noise-only fortnight exits 0"
md=$(cat "$SCRATCH/noise/out")
check "and reports no change" -- grep -q '^0 cases changed; 0 regressed now' "$md"
check "and says so in words" -- grep -q 'No change beyond the threshold' "$md"

tap_done
