import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261126155430_initial } from './Migration20261126155430_initial.js';
import { Migration20261126201317_idtag_case } from './Migration20261126201317_idtag_case.js';

/** PostgreSQL migrations, oldest first. `npm run migration:create -- <name>` writes a new file; add it here. */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261126155430_initial', class: Migration20261126155430_initial },
  { name: 'Migration20261126201317_idtag_case', class: Migration20261126201317_idtag_case },
];
