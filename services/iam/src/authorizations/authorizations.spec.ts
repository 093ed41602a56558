import { describe, expect, it, vi } from 'vitest';
import { type Caller } from '@maas/auth';
import { DomainError } from '@maas/errors';
import { type IamTransactions } from '../transactions/iam-transactions.js';
import { AuthorizationErrorCode } from '../store/authorizations/authorizations.errors.js';
import { type GrantAuthorizationRequest } from './dto/authorization.dto.js';
import { GrantAuthorization } from './usecases/grant-authorization.js';

const ctx = (root: boolean) => ({
  requestId: 'r',
  caller: { accountId: 'acc', userId: 'u', root } as Caller,
});

function grant() {
  const run = vi.fn(() => Promise.resolve());
  const transactions = { run } as unknown as IamTransactions;
  const none = {} as never;
  return { useCase: new GrantAuthorization(transactions, none, none, none, none, none), run };
}

async function refusal(input: Partial<GrantAuthorizationRequest>, root = true) {
  const { useCase, run } = grant();
  const error = await useCase
    .execute(ctx(root), input as GrantAuthorizationRequest)
    .catch((e: unknown) => e);
  expect(run).not.toHaveBeenCalled();
  expect(error).toBeInstanceOf(DomainError);
  const e = error as DomainError;
  return {
    code: e.code,
    kind: e.kind,
    fields: (e.details?.fields as { field: string }[] | undefined)?.map((f) => f.field),
  };
}

describe('GrantAuthorization', () => {
  it('needs authorized_to except for all users, where it must be absent', async () => {
    await expect(refusal({ user_type: 'all_users', authorized_to: 'x' })).resolves.toEqual({
      code: AuthorizationErrorCode.InvalidTarget,
      kind: 'validation',
      fields: ['authorized_to'],
    });
    for (const user_type of ['iam_user', 'federated_user', 'agency'] as const) {
      await expect(refusal({ user_type })).resolves.toMatchObject({ fields: ['authorized_to'] });
    }
  });

  it('takes an existing agency or a new one, not both', async () => {
    await expect(
      refusal({ user_type: 'federated_user', authorized_to: 'f', agency_id: 'x', new_agency: {} }),
    ).resolves.toMatchObject({ fields: ['new_agency'] });
  });

  it('lets only the root user authorize all users', async () => {
    await expect(refusal({ user_type: 'all_users' }, false)).resolves.toMatchObject({
      code: AuthorizationErrorCode.AllUsersNeedsRoot,
      kind: 'forbidden',
    });
  });
});
