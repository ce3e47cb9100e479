import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context.js';
import { OmkError } from '../../core/errors.js';

// PLACEHOLDER: replaced by the module's owner.
export function completionCommand(_ctx: CliContext, _shell: string, _program: Command): Promise<number> {
  return Promise.reject(new OmkError('internal', 'placeholder'));
}
