// drizzle-kit: `npx drizzle-kit generate` writes a migration for changes to src/db/schema.ts
// into drizzle/ (committed, shipped in the package, applied when a cache is opened).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
