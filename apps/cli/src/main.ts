import { processIo } from './io.ts';
import { run } from './program.ts';

// exitCode rather than exit(): if something left the event loop busy, that shows as a hang
// in tests instead of being cut short here.
process.exitCode = await run(process.argv.slice(2), processIo());
