/**
 * Starts one fake Segmind for manual runs and demos. Prints exactly one JSON line on stdout,
 * `{"baseUrl":…,"imageBaseUrl":…,"apiKey":…}`, so scripts can read it; everything else goes
 * to stderr. Runs until SIGTERM or SIGINT.
 *
 * Options: --api-key <key>, --credits <n>, --cost-per-job <n>, --scenario '<JSON JobScenario>'.
 */
import { parseArgs } from 'node:util';

import { FakeSegmind } from './server';
import type { FakeSegmindOptions, JobScenario } from './types';

function parseArguments(argv: string[]): FakeSegmindOptions {
	const { values } = parseArgs({
		args: argv,
		options: {
			'api-key': { type: 'string' },
			credits: { type: 'string' },
			'cost-per-job': { type: 'string' },
			scenario: { type: 'string' },
		},
	});
	const options: FakeSegmindOptions = {};
	if (values['api-key'] !== undefined) options.apiKey = values['api-key'];
	if (values.credits !== undefined) options.credits = Number(values.credits);
	if (values['cost-per-job'] !== undefined) options.costPerJob = Number(values['cost-per-job']);
	if (values.scenario !== undefined) {
		options.scenario = JSON.parse(values.scenario) as Partial<JobScenario>;
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
