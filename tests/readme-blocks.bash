# tests/readme-blocks.bash: runs the shell commands of README.md, for
# tests/fault/readme.sh (blocks that need no kernel) and tests/e2e/readme.sh
# (blocks that boot cached kernels). Sourced after tests/lib.sh, never run.
#
# Every ```sh block in README.md is preceded by a marker line
#     <!-- readme-test: fault|e2e|exempt (why) -->
# naming the test that runs it. `exempt` is only for `make demo` and
# `make check`: they are the suite's own entry points (CI runs them; a test
# inside `make check` cannot run `make check`), so a block marked exempt
# may hold nothing else. A command's trailing comment `# exits N` (or
# `# exits N or M`) gives its expected status; otherwise it must exit 0.
# Commands run in order in one shell, from a scratch directory holding
# links to the source tree's harness/, bench/, kernel-patches/ and tests/,
# so that files they write (tour.db, charts/, host.json) land in scratch;
# GUPBENCH_DB points at a scratch database.

README=$ROOT/README.md

# readme_extract: one line per command, "KIND<TAB>LINE<TAB>COMMAND", with
# backslash continuations joined; "BAD<TAB>LINE<TAB>why" for a command block
# without a valid marker. Fences other than sh/bash/shell/console (text,
# json) are output, not commands.
readme_extract() {
	awk '
	function flush() { if (cmd != "") { print kind "\t" cline "\t" cmd; cmd = "" } }
	/^```/ {
		if (skipping) { skipping = 0; next }   # the end of an output block
		if (inblock) { flush(); inblock = 0; next }
		info = substr($0, 4); sub(/[ \t].*/, "", info)
		if (info == "" || info ~ /^(sh|bash|shell|console)$/) {
			inblock = 1
			if (prev ~ /^<!-- readme-test: (fault|e2e|exempt)[ >]/) {
				kind = prev; sub(/^<!-- readme-test: /, "", kind); sub(/[ >].*/, "", kind)
			} else {
				kind = "BAD"
				print "BAD\t" NR "\tthe command block at line " NR " has no <!-- readme-test: fault|e2e|exempt --> line before it"
			}
			next
		}
		skipping = 1; inblock = 0
		next
	}
	{
		if (skipping) next
		if (!inblock) { if ($0 != "") prev = $0; next }
		if (kind == "BAD") next
		line = $0
		if (cmd == "" && (line ~ /^[ \t]*(#|$)/)) next
		if (cmd == "") cline = NR
		if (line ~ /\\$/) { cmd = cmd substr(line, 1, length(line) - 1); next }
		cmd = cmd line
		flush()
	}' "$README"
}

# readme_inline: inline code spans outside blocks that name one of our
# programs with no placeholder (FILE, NAME, ...): these are commands too,
# and must appear among the block commands; prints each one that does not.
readme_inline() {
	local cmds=$1
	awk '/^```/ { inb = !inb; next } !inb { print }' "$README" |
		grep -o '`[^`]*`' | tr -d '`' |
		grep -E '^(harness/gupharness|bench/gupbench|gupharness|gupbench) ' |
		grep -vE '(\b[A-Z][A-Z0-9_]{1,}\b|\.\.\.)' |
		while IFS= read -r span; do
			grep -qF -- "$span" "$cmds" || echo "$span"
		done
}

# readme_expect CMD: the statuses CMD may exit with ("0" unless its comment says)
readme_expect() {
	local c=$1
	if [[ $c =~ \#\ exits\ ([0-9]+(\ or\ [0-9]+)*) ]]; then
		echo "${BASH_REMATCH[1]// or / }"
	else
		echo 0
	fi
}

# readme_setup: the scratch work directory and database (needs $SCRATCH)
readme_setup() {
	local d
	WORK=$SCRATCH/work
	mkdir -p "$WORK"
	for d in harness bench kernel-patches tests; do
		ln -s "$ROOT/$d" "$WORK/$d"
	done
	export GUPBENCH_DB=$SCRATCH/readme.db
}

# readme_count KIND: how many commands readme_run KIND runs (one check each)
readme_count() {
	readme_extract | awk -F'\t' -v k="$1" '$1 == k' | wc -l
}
# readme_links: every relative link of README.md and the pages under docs/
# that leads to no file, as "PAGE -> TARGET" (anchors are not checked: a
# page's headings belong to whoever writes it)
readme_links() {
	local f d l
	for f in "$README" $(find "$ROOT/docs" -name '*.md' | sort); do
		d=$(dirname "$f")
		grep -o '\]([^)]*)' "$f" | sed 's/^](//; s/)$//; s/[[:space:]].*//' |
			while IFS= read -r l; do
				case $l in http://*|https://*|mailto:*|'#'*|'') continue ;; esac
				[ -e "$d/${l%%#*}" ] || echo "${f#"$ROOT"/} -> $l"
			done
	done
}
# readme_paths: source files README.md and docs/ name (harness/guest/boot.c,
# tests/fault/install.sh, ...) that are not in the tree: text that drifted
# from the code (written output under */out/ is left alone)
readme_paths() {
	(cd "$ROOT" && grep -rnoE '(lib|bench|results|harness|tests|plots|kernel-patches|docs)/[A-Za-z0-9_./-]+[.](c|h|sh|bash|md|json|gp|config|sql)\b' README.md docs) |
		grep -v '/out/' | while IFS=: read -r f l p; do
			[ -e "$ROOT/$p" ] || echo "$f:$l $p"
		done
}
# docs_unindexed: pages under docs/ that no index links to; docs/README.md
# indexes docs/*.md and each docs/DIR/README.md, which indexes its folder
docs_unindexed() {
	local f idx
	for f in $(find "$ROOT/docs" -name '*.md' | sort); do
		[ "$f" = "$ROOT/docs/README.md" ] && continue
		idx=$(dirname "$f")/README.md
		if [ "$(dirname "$f")" = "$ROOT/docs" ] || [ "$(basename "$f")" = README.md ]; then
			idx=$ROOT/docs/README.md
		fi
		grep -qF "]($(realpath --relative-to="$(dirname "$idx")" "$f"))" "$idx" 2>/dev/null ||
			echo "${f#"$ROOT"/}"
	done
}
# readme_structure: seven checks on the whole README (markers, the set-up
# and CI, inline commands, length, links, source paths named, the docs
# index); the plan is 7 + readme_count KIND.
readme_structure() {
	local all=$SCRATCH/readme-cmds bad ex inl setup lines links paths unidx
	readme_extract >"$all"
	bad=$(awk -F'\t' '$1 == "BAD" { print $3 }' "$all")
	[ -z "$bad" ]
	ok $? "every command block of README.md is run by tests/fault/readme.sh or tests/e2e/readme.sh${bad:+: $bad}"
	# the set-up is two commands, make demo and make check, the only exempt
	# ones; CI's entry point runs the second
	setup=$(awk -F'\t' '$1 == "exempt" { print $3 }' "$all" | sed 's/[ \t]*#.*//; s/[ \t]*$//' | tr '\n' ';')
	[ "$setup" = "make demo;make check;" ] && [ "$(grep -vE '^(#|set |cd |$)' "$ROOT/.ci/run")" = "make check" ]
	ok $? "the set-up is 'make demo' and 'make check', the only exempt commands, and .ci/run runs 'make check' (exempt: ${setup:-none})"
	cut -f3 "$all" >"$all.text"
	inl=$(readme_inline "$all.text" | head -3 | tr '\n' ';')
	[ -z "$inl" ]
	ok $? "every command written inline in README.md is also in a tested block${inl:+ (not: $inl)}"
	lines=$(wc -l <"$README")
	[ "$lines" -le 320 ]
	ok $? "README.md is a guide of at most about 300 lines ($lines; longer text goes to docs/)"
	links=$(readme_links | head -5 | tr '\n' ';')
	[ -z "$links" ] && [ -n "$(grep -o '](docs/' "$README")" ]
	ok $? "every relative link in README.md and docs/ leads to a file${links:+ (not: $links)}"
	paths=$(readme_paths | head -5 | tr '\n' ';')
	[ -z "$paths" ]
	ok $? "every source file README.md and docs/ name is in the tree${paths:+ (not: $paths)}"
	unidx=$(docs_unindexed | tr '\n' ' ')
	[ -z "$unidx" ] && [ -s "$ROOT/docs/README.md" ]
	ok $? "docs/README.md indexes every page under docs/${unidx:+ (not: $unidx)}"
}
# readme_run KIND: every command of KIND, in order, one check each
readme_run() {
	local kind=$1 k line cmd exp st target printed
	while IFS=$'\t' read -r k line cmd; do
		[ "$k" = "$kind" ] || continue
		exp=$(readme_expect "$cmd")
		cd "$WORK" || return 1
		eval "$cmd" >"$SCRATCH/out" 2>&1 </dev/null
		st=$?
		cd "$ROOT" || return 1
		# a command that printed nothing is a failure, unless it only sets
		# a variable or sends its output to a file, which must then hold some
		printed=0
		if [[ $cmd =~ ^(export\ )?[A-Za-z_][A-Za-z0-9_]*= ]]; then
			printed=1
		elif [[ ${cmd%% # *} =~ \>[[:space:]]*([^[:space:]]+)[[:space:]]*$ ]]; then
			target=${BASH_REMATCH[1]}
			[ -s "$WORK/$target" ] && printed=1
		elif [ -s "$SCRATCH/out" ]; then
			printed=1
		fi
		if [[ " $exp " == *" $st "* ]] && [ "$printed" = 1 ]; then
			ok 0 "README.md:$line exits ${exp// / or } (status $st): ${cmd:0:150}"
		else
			ok 1 "README.md:$line exits ${exp// / or } and prints something (status $st, printed $printed): ${cmd:0:150}"
			sed 's/^/# /' "$SCRATCH/out" | tail -15
		fi
	done < <(readme_extract)
}
