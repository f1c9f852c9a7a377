/**
 * Starts one fake Segmind for manual runs and demos. Prints exactly one JSON line on stdout,
 * `{"baseUrl":…,"imageBaseUrl":…,"apiKey":…}`, so scripts can read it; everything else goes
 * to stderr. Runs until SIGTERM or SIGINT.
 *
 * Options: --api-key <key>, --credits <n>, --cost-per-job <n>, --scenario '<JSON JobScenario>'.
 */
import { FakeSegmind } from './server';
import type { FakeSegmindOptions, JobScenario } from './types';

function parseArguments(argv: string[]): FakeSegmindOptions {
	const options: FakeSegmindOptions = {};
	for (let index = 0; index < argv.length; index += 2) {
		const flag = argv[index];
		const value = argv[index + 1];
		if (value === undefined) throw new Error(`Missing value for ${String(flag)}`);
		switch (flag) {
			case '--api-key':
				options.apiKey = value;
				break;
			case '--credits':
				options.credits = Number(value);
				break;
			case '--cost-per-job':
				options.costPerJob = Number(value);
				break;
			case '--scenario':
				options.scenario = JSON.parse(value) as Partial<JobScenario>;
				break;
			default:
				throw new Error(`Unknown option ${String(flag)}`);
		}
	}
	return options;
}

async function main(): Promise<void> {
	const fake = new FakeSegmind(parseArguments(process.argv.slice(2)));
	await fake.start();
	const { baseUrl, imageBaseUrl, apiKey } = fake;
	process.stdout.write(`${JSON.stringify({ baseUrl, imageBaseUrl, apiKey })}\n`);

	let stopping = false;
	const shutdown = (signal: NodeJS.Signals): void => {
		if (stopping) return;
		stopping = true;
		process.stderr.write(`fake-segmind: ${signal}, stopping\n`);
		fake.stop().then(
			() => process.exit(0),
			(error: unknown) => {
				process.stderr.write(`fake-segmind: stop failed: ${String(error)}\n`);
				process.exit(1);
			},
		);
	};
	process.on('SIGTERM', shutdown);
	process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
	process.stderr.write(`fake-segmind: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
