/** `keyward serve`: runs the server, with every KEYWARD_* setting as a flag. */
import type { Command } from 'commander';
import { errorLine } from './output.js';
import { addConfigOptions, configFrom } from './server-config.js';

export function registerServe(program: Command): void {
  addConfigOptions(program.command('serve').description('start the server')).action(async (_o, command: Command) => {
    const config = configFrom(command);
    try {
      // Loaded on demand: the other commands start without the server's modules.
      const { serve } = await import('../http/server.js');
      await serve(config);
    } catch (error) {
      errorLine(`keyward: could not start: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
  });
}
