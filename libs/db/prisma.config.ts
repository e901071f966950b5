// Prisma CLI configuration (prisma generate / validate / format). The database URL is only
// needed by commands that connect; migrations run through scripts/migrate.ts instead.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/tributary' },
});
