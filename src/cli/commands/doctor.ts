import type { CliContext } from '../context.js';
import { OmkError } from '../../core/errors.js';

// PLACEHOLDER: replaced by the module's owner.
export function doctorCommand(_ctx: CliContext, _opts: { json?: boolean }): Promise<number> {
  return Promise.reject(new OmkError('internal', 'placeholder'));
}
