import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { loadConfigOrExit } from '@maas/config';
import { DomainError } from '@maas/errors';
import { OutboxWriter } from '@maas/events';
import { ACCOUNT_NAME_PATTERN } from './accounts/dto/create-account.request.js';
import { AccountsRepository } from './store/accounts/accounts.repository.js';
import { CreateAccount } from './accounts/usecases/create-account.js';
import { EnsureAccount } from './accounts/usecases/ensure-account.js';
import { GetAccount } from './accounts/usecases/get-account.js';
import { IamTransactions } from './transactions/iam-transactions.js';
import { accountConfigSchema, databaseConfigSchema } from './config.js';
import { dataSourceOptions } from './database/data-source.js';
import { prepareDatabase } from './database/prepare-database.js';
import { PermissionSnapshots } from './store/permissions/permission-snapshots.js';
import { PermissionsRepository } from './store/permissions/permissions.repository.js';
import { PasswordHasher } from './credentials/password-hasher.js';
import { UsersRepository } from './store/users/users.repository.js';

const USAGE = `usage: node services/iam/dist/bootstrap.js --account NAME --root-password-env VAR

Creates an account (domain) with its root user and one project per region (REGIONS), unless
an account of that name exists; prints the ids as JSON either way. The root password is read
from the environment variable VAR, never from the command line. Needs DATABASE_URL (and
DB_SCHEMA, REGIONS, KAFKA_TOPIC_PREFIX like the service); runs pending migrations first.
`;

class UsageError extends Error {}

function parse(): { account: string; passwordVar: string } {
  const { values } = parseArgs({
    options: {
      account: { type: 'string' },
      'root-password-env': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const account = values.account;
  const passwordVar = values['root-password-env'];
  if (!account || !passwordVar)
    throw new UsageError('--account and --root-password-env are required');
  if (account.length > 32 || !ACCOUNT_NAME_PATTERN.test(account)) {
    throw new UsageError('--account must be 1-32 letters, digits, - or _, starting with a letter');
  }
  return { account, passwordVar };
}

async function bootstrap(): Promise<void> {
  const { account, passwordVar } = parse();
  const rootPassword = process.env[passwordVar];
  if (!rootPassword) throw new UsageError(`the environment variable ${passwordVar} is not set`);
  const config = loadConfigOrExit({ ...databaseConfigSchema, ...accountConfigSchema });
  const dataSource = await new DataSource(dataSourceOptions(config)).initialize();
  try {
    await prepareDatabase(dataSource);
    const accounts = new AccountsRepository(dataSource);
    const users = new UsersRepository(dataSource);
    const transactions = new IamTransactions(
      dataSource,
      new OutboxWriter({ schema: config.DB_SCHEMA, topicPrefix: config.KAFKA_TOPIC_PREFIX }),
      new PermissionSnapshots(new PermissionsRepository(dataSource)),
    );
    const create = new CreateAccount(transactions, accounts, users, new PasswordHasher(), config);
    const ensure = new EnsureAccount(accounts, create, new GetAccount(accounts, users));
    const result = await ensure.execute({ name: account, rootPassword });
    const out = {
      created: result.created,
      account_id: result.account.id,
      account_name: result.account.name,
      root_user_id: result.root.id,
      root_user_name: result.root.name,
      projects: result.projects.map((p) => ({ id: p.id, name: p.name, region: p.region })),
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    await dataSource.destroy();
  }
}

bootstrap().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  const message =
    error instanceof DomainError
      ? error.message
      : error instanceof Error
        ? error.stack
        : String(error);
  process.stderr.write(`bootstrap failed: ${message}\n`);
  process.exit(1);
});
