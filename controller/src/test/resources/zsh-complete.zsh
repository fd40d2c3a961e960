# Types a command line into an interactive zsh (on a pseudo-terminal) with netloom's completion
# loaded, pressing Tab where the line has \t, and prints the arguments netloom would have got.
# Usage: zsh -f zsh-complete.zsh COMPLETION-SCRIPT LINE   (LINE: e.g. $'netloom ima\tb\t')
zmodload zsh/zpty
zpty z zsh -f -i
# netloom is a function printing its arguments between markers that the line itself does not hold
zpty -w z "PS1='%% '; autoload -U compinit; compinit -u -D; source ${(q)1}; netloom() { print -r -- \"GOT\"\"<\$*>\"; }"
zpty -w -n z "$2"$'\n'
zpty -r -m z out '*GOT<*>*' && print -r -- "${${out##*GOT<}%%>*}"
zpty -d z
