#!/bin/bash
# install: `make install` into a scratch DESTDIR gives a gupharness that
# works from any directory, with its shipped files from the data directory
# and its database in the user's (~/.local/share/gupbench): matrix show by
# a shipped name, kernel list, db import and compare of the fixture streams,
# a real gnuplot chart from the installed templates. Each installed man page
# renders under `man -l` without warnings and names every option of its
# --help; the bash completion offers the commands, a command's options and
# the cached kernels' names;
# every command's and action's --help ends with an example line. No kernels.
. "$(dirname "$0")/../lib.sh"
plan 13
scratch
DEST=$SCRATCH/dest
PREFIX=/usr/local
OUT=$SCRATCH/make.out
# the default PREFIX, so the tree's binary is not relinked for the test
make -s -C "$ROOT" install DESTDIR="$DEST" PREFIX=$PREFIX >"$OUT" 2>&1
st=$?
I=$DEST$PREFIX
[ $st -eq 0 ] && [ -x "$I/bin/gupharness" ] && [ -x "$I/libexec/gupbench/gupbench" ] &&
	[ -d "$I/share/gupbench/matrices" ] && [ -s "$I/share/bash-completion/completions/gupharness" ]
ok $? "make install DESTDIR puts binaries, data, pages and completion in place (status $st: $(tail -c 300 "$OUT"))"

# The installed program, run from an unrelated directory as a user without a source tree.
export HOME=$SCRATCH/home GUPBENCH_DATA=$I/share/gupbench GUPBENCH_LIBEXEC=$I/libexec/gupbench
export GUPBENCH_CACHE=$SCRATCH/cache
unset GUPBENCH_DB GUPBENCH_ROOT XDG_DATA_HOME
mkdir -p "$HOME" "$SCRATCH/elsewhere"
cd "$SCRATCH/elsewhere" || exit 1
G=$I/bin/gupharness
want=$("$GUPHARNESS" matrix show "$ROOT/harness/matrices/seed.json" | tail -1)
got=$("$G" matrix show seed 2>&1 | tail -1)
[ -n "$want" ] && [ "$got" = "$want" ]
ok $? "installed 'matrix show seed' finds the shipped matrix (got '$got', want '$want')"

"$G" kernel list >"$SCRATCH/kl" 2>&1 && head -1 "$SCRATCH/kl" | grep -q '^NAME '
ok $? "installed 'kernel list' works ($(head -c 200 "$SCRATCH/kl"))"

UDB=$HOME/.local/share/gupbench/gupbench.db
for k in linux-6.1 linux-6.12; do
	"$G" db import "$ROOT/tests/fixtures/$k.jsonl" --kernel "$k" >>"$SCRATCH/imp" 2>&1 || echo FAIL >>"$SCRATCH/imp"
done
! grep -q FAIL "$SCRATCH/imp" && [ -s "$UDB" ] && [ "$(grep -c '^imported' "$SCRATCH/imp")" -eq 2 ]
ok $? "db import stores both fixture streams in ~/.local/share/gupbench/gupbench.db ($(tail -c 200 "$SCRATCH/imp"))"

"$G" compare linux-6.1 linux-6.12 >"$SCRATCH/cmp" 2>&1
st=$?
[ $st -le 1 ] && grep -q 'linux-6.12' "$SCRATCH/cmp" && [ "$(wc -l <"$SCRATCH/cmp")" -ge 3 ]
ok $? "compare of the imported kernels runs on the user's database (status $st: $(head -c 200 "$SCRATCH/cmp"))"

"$G" plot beforeafter linux-6.1 linux-6.12 --format png >"$SCRATCH/plot" 2>"$SCRATCH/plot.err"
st=$?
png=$(grep '\.png$' "$SCRATCH/plot" | head -1)
[ $st -eq 0 ] && [ -s "$png" ] && [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
	case $png in "$HOME/.local/share/gupbench/plots/"*) true ;; *) false ;; esac
ok $? "plot draws a PNG with the installed templates under ~/.local/share/gupbench/plots (status $st: $png $(head -c 300 "$SCRATCH/plot.err"))"

# Man pages: each renders without a warning and names every option its --help lists.
bad=
pages=0
for page in "$I"/share/man/man1/*.1; do
	pages=$((pages + 1))
	name=$(basename "$page" .1)
	txt=$(LC_ALL=C.UTF-8 MANWIDTH=200 man --warnings -l "$page" 2>"$SCRATCH/man.err")
	[ -n "$txt" ] && [ ! -s "$SCRATCH/man.err" ] || bad+=" $name(render: $(head -c 200 "$SCRATCH/man.err"))"
	case $name in
	gupbench) opts=$("$GUPBENCH" --help | grep -oE '^  (-[a-zA-Z]|--[a-z-]+)' | tr -d ' ') ;;
	gupharness) opts=$("$G" help --words) ;;
	*)	c=${name#gupharness-}
		opts=$("$G" help --words "$c" | grep -- '^-')
		for a in $("$G" help --words "$c" | grep -v -- '^-'); do
			[ "$c" = plot ] || opts+=" $("$G" help --words "$c" "$a" | grep -- '^-')"
		done ;;
	esac
	[ -n "$opts" ] || bad+=" $name(no options listed)"
	for o in $opts; do
		grep -qF -- "$o" <<<"$txt" || bad+=" $name($o missing)"
	done
done
[ "$pages" -eq $(( $("$G" help --words | wc -l) + 2 )) ] && [ -z "$bad" ]   # one page per command, gupharness(1) and gupbench(1)
ok $? "the $pages installed man pages render under man -l and name every option of their --help:${bad:- all}"

grep -q 'kernel build' <<<"$(man -l "$I/share/man/man1/gupharness-kernel.1" 2>/dev/null)" &&
	man -l "$I/share/man/man1/gupharness-db.1" 2>/dev/null | grep -q -- '--format'
ok $? "gupharness-kernel(1) and gupharness-db(1) carry each action's options"

# Completion: source the installed file and ask as bash would.
comp() {
	PATH=$I/bin:$PATH bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _gupharness
		printf "%s\n" "${COMPREPLY[@]}"' _ "$I/share/bash-completion/completions/gupharness" "$@"
}
words=$(comp gupharness "")
miss=
for c in kernel matrix run compare db plot nightly site bisect explain; do
	grep -qx "$c" <<<"$words" || miss+=" $c"
done
[ -n "$words" ] && [ -z "$miss" ]
ok $? "completion after 'gupharness' offers every command (missing:${miss:- none})"
words=$(comp gupharness run --matr)
[ "$words" = "--matrix" ] && comp gupharness db "" | grep -qx import
ok $? "completion offers a command's options and actions (got '$words')"

# A cached kernel (a fake entry in the scratch cache) is offered after --kernel and compare.
d=$GUPBENCH_CACHE/kernels/key-fake
names=${GUPBENCH_NAMES:-$GUPBENCH_CACHE/names}   # the suite's own namespace when set (tests/lib.sh)
mkdir -p "$d" "$names"
printf '{"name":"linux-9.9-fake","key":"key-fake","release":"9.9.0","arch":"x86_64","image":"bzImage"}\n' >"$d/meta.json"
: >"$d/bzImage"
ln -sfn "$d" "$names/linux-9.9-fake"
words=$(comp gupharness run --kernel linux-9)
[ "$words" = linux-9.9-fake ] && [ "$(comp gupharness compare linux-9.9)" = linux-9.9-fake ]
ok $? "completion offers cached kernel names after --kernel and compare (got '$words')"

# Every command's and action's --help ends with an example line.
bad=
for c in "" kernel matrix run compare db plot nightly site bisect explain "kernel build" "kernel list" "kernel show" \
	 "kernel rm" "db list" "db import" "db export" "db merge" "db check"; do
	# shellcheck disable=SC2086 # the action is a second word
	last=$("$G" $c --help 2>&1 | grep -v '^$' | tail -1)
	[[ $last == "   gupharness "* ]] || bad+=" '$c'"
done
[ -z "$bad" ]
ok $? "every --help ends with an example line (not:${bad:- none})"
last=$("$GUPBENCH" --help | tail -1)
[[ $last == "   gupbench "* ]]
ok $? "gupbench --help ends with an example line (got '$last')"
tap_done
