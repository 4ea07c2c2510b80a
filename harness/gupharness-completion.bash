# bash completion for gupharness (installed by `make install` as
# share/bash-completion/completions/gupharness). The words come from the
# installed binary itself: `gupharness help --words [CMD [ACTION]]` lists the
# commands, actions, kinds and options its --help texts name, and
# `gupharness kernel list --names` the cached kernels.
_gupharness() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local cmd=${COMP_WORDS[1]} act= words
	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ]; then
		words=$(gupharness help --words 2>/dev/null)
		COMPREPLY=($(compgen -W "$words help" -- "$cur"))
		return
	fi
	case $prev in
	--kernel|--good-kernel) COMPREPLY=($(compgen -W "$(gupharness kernel list --names 2>/dev/null)" -- "$cur")); return ;;
	--db|--out|--source|--series|--config|--matrix|--slurm|--merge-shards)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	esac
	case $cmd in
	kernel|db) [ "$COMP_CWORD" -ge 3 ] && act=${COMP_WORDS[2]} ;;
	esac
	if [ "$cmd $act" = "kernel show" ] || [ "$cmd $act" = "kernel rm" ] ||
	   { [ "$cmd" = compare ] && [[ $cur != -* ]]; }; then
		COMPREPLY=($(compgen -W "$(gupharness kernel list --names 2>/dev/null)" -- "$cur"))
		return
	fi
	words=$(gupharness help --words "$cmd" $act 2>/dev/null)
	COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _gupharness gupharness
