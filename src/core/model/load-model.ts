/**
 * Reads a model file (YAML or JSON) into an AuthModel. The default model ships in the package
 * (`model/default.yaml`); `KEYWARD_MODEL` names a replacement. A model that does not compile
 * throws with every bad entry named, so the server refuses to start on it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseModel } from './compile-model.js';
import type { AuthModel } from './model.js';

/** Two levels up from src/core/model or dist/core/model: the package root. */
export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../../model/default.yaml', import.meta.url));

export class ModelError extends Error {
  constructor(
    readonly path: string,
    readonly errors: readonly string[],
  ) {
    super(`the model ${path} is invalid:\n${errors.map((error) => `  ${error}`).join('\n')}`);
  }
}

export function loadModelFile(path: string): AuthModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ModelError(path, [`cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  const result = parseModel(text);
  if (!result.ok) throw new ModelError(path, result.errors);
  return result.model;
}

let cachedDefault: AuthModel | undefined;

/** The shipped default model, read once per process. */
export function defaultModel(): AuthModel {
  cachedDefault ??= loadModelFile(DEFAULT_MODEL_PATH);
  return cachedDefault;
}
