/** `keyward resources`: the things keys act on (agents, projects, …), as the model types them. */
import type { Command } from 'commander';
import type { ResourceObject } from '../client/management.js';
import { defined, num, paged, run, str } from './command-kit.js';
import { fields, line, show, type Column, showPage } from './output.js';

const COLUMNS: readonly Column<ResourceObject>[] = [
  ['id', (r) => r.id],
  ['type', (r) => r.type],
  ['name', (r) => r.name],
  ['externalId', (r) => r.externalId],
  ['parent', (r) => r.parentId],
  ['visibility', (r) => r.visibility],
];

function visibility(opts: Readonly<Record<string, unknown>>): ResourceObject['visibility'] | undefined {
  const value = str(opts, 'visibility')?.toUpperCase();
  return value === 'ENVIRONMENT' || value === 'TENANT' || value === 'PUBLIC' ? value : undefined;
}

export function registerResources(program: Command): void {
  const resources = program.command('resources').description('resources keys are scoped to');
  paged(
    resources
      .command('list')
      .description('list resources')
      .option('--type <type>')
      .option('--environment <id>')
      .option('--parent <id>'),
  ).action((_o, command: Command) =>
    run(command, async ({ client, json, opts }) => {
      const page = await client.resources.list(
        defined({
          type: str(opts, 'type'),
          environmentId: str(opts, 'environment'),
          parentId: str(opts, 'parent'),
          limit: num(opts, 'limit'),
          cursor: str(opts, 'cursor'),
        }),
      );
      showPage(page, { json }, COLUMNS);
    }),
  );
  resources
    .command('show <id>')
    .description('show a resource')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json }) => show(await client.resources.get(id), { json }, fields)),
    );
  resources
    .command('create')
    .description('create a resource')
    .option('--environment <id>', 'its environment (an environment key names its own)')
    .requiredOption('--type <type>', 'a type of the model')
    .requiredOption('--name <name>')
    .option('--external <id>', "your platform's own id for it (externalId)")
    .option('--parent <id>', 'the resource it sits under')
    .option('--visibility <v>', 'environment, tenant or public')
    .option('--value <text>', 'its value, for types that carry one')
    .action((_o, command: Command) =>
      run(command, async ({ client, json, opts }) => {
        const resource = await client.resources.create(
          defined({
            environmentId: str(opts, 'environment'),
            type: str(opts, 'type') ?? '',
            name: str(opts, 'name') ?? '',
            externalId: str(opts, 'external'),
            parentId: str(opts, 'parent'),
            visibility: visibility(opts),
            value: str(opts, 'value'),
          }),
        );
        show(resource, { json }, (r) => line(`Created ${r.type} ${r.id} (${r.name})`));
      }),
    );
  resources
    .command('delete <id>')
    .description('delete a resource')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json }) =>
        show(await client.resources.delete(id), { json }, (r) => line(`Deleted ${r.type} ${r.id}`)),
      ),
    );
}
