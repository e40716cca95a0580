/**
 * One scale in its own process (spawned by run.ts), so each scale's peak RSS is its own and one scale's garbage
 * does not slow the next. Usage: scale-worker.ts <scale> <result-file> <options-json>.
 */
import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { runScale } from './scale-run';
import { SCALE_NAMES, SCALES } from './scales';

const argsSchema = z.tuple([
  z.enum(SCALE_NAMES),
  z.string().min(1),
  z
    .string()
    .transform((s) => JSON.parse(s) as unknown)
    .pipe(
      z.object({
        browser: z.boolean(),
        stormRatePerSec: z.number().positive(),
        stormSeconds: z.number().positive(),
        coalesceMs: z.number().int().nonnegative().optional(),
        workDir: z.string().min(1),
        labHeapMb: z.number().int().positive(),
      }),
    ),
]);

const [scale, resultFile, options] = argsSchema.parse(process.argv.slice(2));
const result = await runScale(SCALES[scale], { ...options, progress: (m) => process.stderr.write(`  ${m}\n`) });
await writeFile(resultFile, JSON.stringify(result));
// Lingering keep-alive sockets or timers of the stopped lab must not hold the parent waiting.
process.exit(0);
