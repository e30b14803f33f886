/**
 * `keyward completion bash|zsh`: a completion script generated from the commander tree itself, so
 * a command added anywhere completes without touching this file.
 */
import type { Command } from 'commander';
import { UsageError, block, fail } from './output.js';

/** Every command path (`keys`, `keys create`, …) with its subcommands and options. */
function walk(command: Command, path: readonly string[], out: Map<string, string[]>): void {
  const words = [
    ...command.commands.map((sub) => sub.name()),
    ...command.options.map((option) => option.long ?? option.short ?? '').filter((flag) => flag !== ''),
  ];
  out.set(path.join(' '), words);
  for (const sub of command.commands) walk(sub, [...path, sub.name()], out);
}

function table(root: Command): Map<string, string[]> {
  const out = new Map<string, string[]>();
  walk(root, [], out);
  return out;
}

export function bashScript(root: Command): string {
  const cases = [...table(root)]
    .map(([path, words]) => `    "${path}") words="${words.join(' ')} --help" ;;`)
    .join('\n');
  return `# keyward bash completion: eval "$(keyward completion bash)"
_keyward() {
  local cur path="" word i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    case "\${path:+$path }$word" in
${[...table(root).keys()]
  .filter((path) => path !== '')
  .map((path) => `      "${path}") path="${path}" ;;`)
  .join('\n')}
    esac
  done
  local words
  case "$path" in
${cases}
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -o default -F _keyward keyward
`;
}

export function zshScript(root: Command): string {
  return `#compdef keyward
# keyward zsh completion: eval "$(keyward completion zsh)"
autoload -U bashcompinit && bashcompinit
${bashScript(root)}`;
}

export function registerCompletion(program: Command): void {
  program
    .command('completion <shell>')
    .description('print a completion script: eval "$(keyward completion bash)" (or zsh)')
    .action((shell: string) => {
      if (shell === 'bash') block(bashScript(program));
      else if (shell === 'zsh') block(zshScript(program));
      else fail(new UsageError(`completion for bash or zsh, not "${shell}"`));
    });
}
