import { DomainError } from '@maas/errors';

/**
 * A 400 about one request field that only the domain can judge (a name that does not exist,
 * a project of another account): the body names the field like a validation error does.
 */
export function fieldError(code: string, field: string, message: string): DomainError {
  return new DomainError(code, 'validation', message, {
    details: { fields: [{ field, messages: [message] }] },
  });
}
