// Writes schema/schema.graphql from the code-first schema (npm run schema). A test fails when it drifts.
import { buildApiSchema } from '../api/schema.js';

await buildApiSchema({ emit: true });
console.log('wrote schema/schema.graphql');
