// `npm run staff -- create --role nurse --clinic vc-kungsor --name "Anna Andersson" [--days 90]`: creates a staff
// account and prints its bearer token once (it expires after --days, default STAFF_TOKEN_DAYS). --clinic may be
// repeated or comma-separated; --clinic all gives every clinic there is now (region follow-up staff). --phone gives
// a manager the daily summary by SMS. `npm run staff -- list` shows every account (never a token);
// `npm run staff -- revoke <id>` ends an account's sign-in at once.
// `npm run staff -- set-phone <id> <phone>|none` sets the phone agent-first dialling rings (shown masked in list).
import { shiftedClock, systemClock } from '../clock.js';
import { parseConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import { DatabaseInUse } from '../db/dataDirLock.js';
import { migrate } from '../db/migrate.js';
import { openDatabase } from '../db/open.js';
import { parseStaffCommand, runStaffCommand } from './staffCommands.js';

async function main(argv: string[]): Promise<void> {
  const config = parseConfig();
  const command = parseStaffCommand(argv, config.staffTokenDays);
  // The server's clock: with APP_NOW a token must expire relative to the app's time, not the machine's.
  const clock = config.appNow ? shiftedClock(config.appNow) : systemClock;
  const db = await openDatabase(config.database);
  try {
    await migrate(db);
    console.log(await runStaffCommand(db, clock, command));
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof DatabaseInUse ? error.message : error);
  process.exit(1);
});
