/**
 * `npm run bench [-- --json] [--scale S] [--only NAME]`: the speed and memory goals, each measured
 * side by side in one run on this machine and printed as ratios. Never a timed test: the machines
 * are shared and noisy, so figures are read together, not against fixed times.
 */
import { memoryScenario, printMemory } from './memory';
import type { MemoryResult } from './memory';

interface Args {
	json: boolean;
	scale: number;
	only?: string;
}

function parseArgs(argv: string[]): Args {
	const args: Args = { json: false, scale: 1 };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--json') args.json = true;
		else if (argv[i] === '--scale') args.scale = Number(argv[++i]);
		else if (argv[i] === '--only') args.only = argv[++i];
		else throw new Error(`Unknown argument ${argv[i]} (use --json, --scale S, --only memory)`);
	}
	if (!(args.scale > 0)) throw new Error('--scale takes a positive number');
	return args;
}

/** Goal of the binary-data issue: 200 images of 4 MB, streamed, under this peak RSS. */
const MEMORY_GOAL_MB = 150;

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const summary: { scale: number; memory?: MemoryResult } = { scale: args.scale };
	const wanted = (name: string) => !args.only || args.only === name;

	if (wanted('memory')) {
		// --scale shrinks the item count for a quick look; the goal is stated for 200 items.
		summary.memory = await memoryScenario({ items: Math.max(10, Math.round(200 * args.scale)), imageMb: 4 });
		printMemory(summary.memory, MEMORY_GOAL_MB);
	}
	if (args.json) console.log(JSON.stringify(summary));
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : String(error));
	process.exit(1);
});
