# bash completion for mlops-tui(1): its commands, each command's options,
# and the values of the options that take one (state files from the state
# directory for --state). Installed as
# $(datadir)/bash-completion/completions/mlops-tui, where bash-completion
# loads it on first use; or source it from ~/.bashrc.

# The options that take a value; a word after one of them is that value,
# never the command.
_mlops_tui_takes_value() {
	case $1 in
	-s | --state | --answers | --principal-file | --pat-file | --ado-auth | \
	--tenant | --client-id | --azure-sign-in | --log | --org | --repo | \
	--project | --infrastructure | --namespace | --postfix | \
	--subscription | --location | --project-type | --environment | \
	--listen | --world | \
	--time-scale | --faults | --accelerator)
		return 0 ;;
	esac
	return 1
}

# The options each command accepts (mlops-tui refuses the others there).
_mlops_tui_options() {
	local common="--state --no-color --help --version"
	local sign_in="--pat-file --ado-auth --tenant --client-id --azure-sign-in --log"
	case $1 in
	status) echo "$common --json" ;;
	export) echo "$common --answers" ;;
	plan) echo "$common --answers --principal-file --json --destroy --purge --all $sign_in" ;;
	apply) echo "$common --answers --principal-file --yes --json $sign_in" ;;
	destroy) echo "$common --answers --yes --purge --all $sign_in" ;;
	doctor) echo "--state --org --repo --project --infrastructure --namespace \
--postfix --environment --subscription --location --project-type --json \
$sign_in --help" ;;
	sim) echo "--listen --world --reset --org --time-scale --log --faults \
--accelerator --help" ;;
	*) echo "$common --sandbox --accelerator --time-scale --answers --principal-file $sign_in" ;;
	esac
}

# The saved setups: the state files mlops-tui keeps, as it finds them (a
# relative XDG_STATE_HOME is ignored, as mlops-tui ignores it).
_mlops_tui_state_files() {
	local dir=$HOME/.local/state/mlops-tui f
	case ${XDG_STATE_HOME:-} in
	/*) dir=$XDG_STATE_HOME/mlops-tui ;;
	esac
	for f in "$dir"/*.json; do
		[ -f "$f" ] && printf '%s\n' "$f"
	done
}

# Complete the value of option $1 from the word $2.
_mlops_tui_value() {
	local IFS=$' \t\n'
	# File names may hold spaces: split those lists at newlines only.
	case $1 in -s | --state | --answers | --principal-file | --pat-file | \
	--log | --world | --accelerator) IFS=$'\n' ;;
	esac
	case $1 in
	-s | --state)
		COMPREPLY=($(compgen -W "$(_mlops_tui_state_files)" -- "$2")
		    $(compgen -f -- "$2"))
		compopt -o filenames 2>/dev/null ;;
	--answers | --principal-file | --pat-file | --log | --world)
		COMPREPLY=($(compgen -f -- "$2"))
		compopt -o filenames 2>/dev/null ;;
	--accelerator)
		COMPREPLY=($(compgen -d -- "$2"))
		compopt -o filenames 2>/dev/null ;;
	--infrastructure) COMPREPLY=($(compgen -W "bicep terraform" -- "$2")) ;;
	--ado-auth) COMPREPLY=($(compgen -W "pat entra" -- "$2")) ;;
	--project-type) COMPREPLY=($(compgen -W "classical cv nlp" -- "$2")) ;;
	--environment) COMPREPLY=($(compgen -W "prod dev" -- "$2")) ;;
	--azure-sign-in) COMPREPLY=($(compgen -W "device az" -- "$2")) ;;
	*) COMPREPLY=() ;;
	esac
}

_mlops_tui() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev="" command="" i word
	local commands="status plan apply destroy doctor sim export"

	# bash splits --state=FILE at the '='; put the option back together.
	if [ "$COMP_CWORD" -ge 2 ] && [ "${COMP_WORDS[COMP_CWORD - 1]}" = "=" ]; then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	elif [ "$cur" = "=" ]; then
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		cur=""
	elif [ "$COMP_CWORD" -ge 1 ]; then
		prev=${COMP_WORDS[COMP_CWORD - 1]}
	fi
	if _mlops_tui_takes_value "$prev"; then
		_mlops_tui_value "$prev" "$cur"
		return 0
	fi
	# The command is the first word that is neither an option nor a value.
	for ((i = 1; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		case $word in
		=) i=$((i + 1)) ;; # --option=VALUE
		-*) _mlops_tui_takes_value "$word" &&
			[ "${COMP_WORDS[i + 1]:-}" != "=" ] && i=$((i + 1)) ;;
		*) [ -z "$command" ] && command=$word ;;
		esac
	done
	case $cur in
	-*) COMPREPLY=($(compgen -W "$(_mlops_tui_options "$command")" -- "$cur")) ;;
	*) if [ -z "$command" ]; then
		COMPREPLY=($(compgen -W "$commands" -- "$cur"))
	else
		COMPREPLY=()
	fi ;;
	esac
	return 0
}
complete -F _mlops_tui mlops-tui
