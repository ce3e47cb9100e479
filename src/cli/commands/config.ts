import type { CliContext } from '../context.js';
import { OmkError } from '../../core/errors.js';

// PLACEHOLDER: replaced by the module's owner.
const p = (): Promise<number> => Promise.reject(new OmkError('internal', 'placeholder'));
export const configShowCommand = (_c: CliContext, _k: string | undefined, _o: { json?: boolean }) => p();
export const configValidateCommand = (_c: CliContext, _o: { json?: boolean }) => p();
export const configSetCommand = (_c: CliContext, _k: string, _v: string, _o: { project?: boolean; user?: boolean }) => p();
export const configPathCommand = (_c: CliContext, _o: { json?: boolean }) => p();
