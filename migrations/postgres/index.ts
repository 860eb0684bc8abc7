import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261126155430_initial } from './Migration20261126155430_initial.js';

/** PostgreSQL migrations, oldest first. `npm run migration:create -- <name>` writes a new file; add it here. */
export const migrations: MigrationObject[] = [{ name: 'Migration20261126155430_initial', class: Migration20261126155430_initial }];
