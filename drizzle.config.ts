import { defineConfig } from 'drizzle-kit';

// Only `drizzle-kit generate` uses this; it needs no database connection.
export default defineConfig({
	dialect: 'postgresql',
	schema: './src/lib/server/db/schema.ts',
	out: './drizzle'
});
