/**
 * `npm run smoke [-- --out <folder>]`: a first real run that records itself. With SEGMIND_API_KEY
 * set (and SEGMIND_BASE_URL for a proxy): Get Credits, one Generate at the defaults on the Flux
 * workflow, Get Credits again, through the node in n8n's engine; it prints what the image cost,
 * writes every exchange to test/fixtures/recorded/<date>-<workflow>.json (key redacted, image
 * bytes replaced by type and size) and prints what in it the fake Segmind never produces.
 * test/harness/smoke.ts does the work; this file reads the command line and the environment.
 */
import { parseArgs } from 'node:util';

import { shutdownHarness } from '../test/harness/run-node';
import { segmindFromEnv } from '../test/harness/segmind-target';
import { MISSING_KEY, RECORDED_DIR, runSmoke } from '../test/harness/smoke';
import { ProgressLine, runScript } from './console';

async function main(): Promise<number> {
	const { values } = parseArgs({ options: { out: { type: 'string' } } });
	const target = segmindFromEnv();
	if (!target) {
		console.error(MISSING_KEY);
		return 1;
	}
	// The job's progress line, from its first status until the next line printed.
	let progress: ProgressLine | undefined;
	let lastStatus = '';
	try {
		const result = await runSmoke({
			target,
			outDir: values.out ?? RECORDED_DIR,
			print: (line) => {
				progress?.finish(lastStatus);
				progress = undefined;
				console.log(line);
			},
			onStatus: (status) => {
				progress ??= new ProgressLine();
				progress.update(status);
				lastStatus = status;
			},
		});
		return result.ok ? 0 : 1;
	} finally {
		shutdownHarness();
	}
}

runScript(main);
