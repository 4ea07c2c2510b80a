# The simulated fortnight (sourced by tests/fault/nightly-fortnight.sh and
# tests/fault/site-browser.sh): fourteen nights of results streams under
# nightly labels, with a step of JUMP_PCT% in STEP_CASE from the ninth night
# on. fortnight_setup gives the test its scratch folder, H (gupharness) and
# the two cases: STEP_CASE, which steps, and QUIET_CASE, which never does.

fortnight_setup() {
	scratch
	H=$GUPHARNESS
	export GUPBENCH_QUIET=1
	STEP_CASE="-L -m 512 -n 1024 -t"
	QUIET_CASE="-L -m 128 -n 1024 -T"
}

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
