#!/bin/bash
# --case names one case exactly when some case has that key or plan id:
# "-L -m 512 -n 1 -t" is also a substring of "-L -m 512 -n 1 -t -S", and the
# nightly report attached whichever chart plot history happened to write
# first. A text that is no case's key still selects by substring.
. "$(dirname "$0")/../lib.sh"
plan 4
scratch
export GUPBENCH_QUIET=1
H=$GUPHARNESS
stream() {   # stream RELEASE: two cases whose keys are one a prefix of the other
	local seq=0 c argv key
	printf '{"type":"env","seq":0,"format":"gupbench-stream-1","release":"%s"}\n' "$1"
	for c in 0 1; do
		if [ $c = 0 ]; then argv='"-L","-m","512","-n","1","-t"' key="-L -m 512 -n 1 -t"
		else argv='"-L","-m","512","-n","1","-t","-S"' key="-L -m 512 -n 1 -t -S"; fi
		printf '{"type":"start","seq":%d,"id":"c%d"}\n' $((++seq)) $c
		printf '{"type":"case","seq":%d,"id":"c%d","argv":[%s],"key":"%s","status":"ok","samples":[%s]}\n' \
			$((++seq)) $c "$argv" "$key" \
			'{"get_us":100,"put_us":1},{"get_us":110,"put_us":1},{"get_us":105,"put_us":1}'
	done
	printf '{"type":"end","seq":%d,"cases":2,"ok":2,"skip":0,"error":0}\n' $((++seq))
}
stream 6.1.0 >"$SCRATCH/a.jsonl" && stream 6.12.0 >"$SCRATCH/b.jsonl" &&
	"$H" db import "$SCRATCH/a.jsonl" --db "$SCRATCH/d.db" >/dev/null &&
	"$H" db import "$SCRATCH/b.jsonl" --db "$SCRATCH/d.db" >/dev/null
ok $? "two kernels, each with a case whose key is a prefix of the other's"
timeout 60 "$H" plot history --case "-L -m 512 -n 1 -t" --db "$SCRATCH/d.db" --out "$SCRATCH/one" --format svg \
	>/dev/null 2>"$SCRATCH/err"
ok $? "plot history --case KEY draws ($(head -c 160 "$SCRATCH/err"))"
n=$(ls "$SCRATCH/one"/*.svg 2>/dev/null | wc -l)
[ "$n" -eq 1 ]
ok $? "exactly one chart, for that case alone (got $n: $(ls "$SCRATCH/one" 2>/dev/null | tr '\n' ' '))"
timeout 60 "$H" plot history --case "-n 1 -t" --db "$SCRATCH/d.db" --out "$SCRATCH/sub" --format svg >/dev/null 2>&1
n=$(ls "$SCRATCH/sub"/*.svg 2>/dev/null | wc -l)
[ "$n" -eq 2 ]
ok $? "a text that is no case's key still selects every case containing it (got $n)"
tap_done
