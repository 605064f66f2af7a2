import { InputError } from '@backstage/errors';

/**
 * A bad input, said the way every plant-ops action says it: the field, what is
 * wrong with it, and how to fix it. Never put a secret value in `problem`.
 */
export function fieldError(field: string, problem: string, fix: string): InputError {
  return new InputError(`${field}: ${problem}. ${fix}`);
}
