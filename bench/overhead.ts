/** Overhead: the node's CPU time per item, jobs instant, the fake in this (another) process. */
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';

import { FakeSegmind } from '../test/fake-segmind';

const run = promisify(execFile);

export interface OverheadResult {
	cpu_ms_per_item: number;
	json_only_cpu_ms_per_item: number;
	items: number;
}

async function measure(fake: FakeSegmind, items: number, download: boolean): Promise<number> {
	const config = JSON.stringify({ baseUrl: fake.baseUrl, apiKey: fake.apiKey, items, download });
	const { stdout } = await run(
		process.execPath,
		[path.join(__dirname, 'overhead-child.js'), config],
		{ timeout: 600_000 },
	);
	const report = JSON.parse(stdout.trim().split('\n').pop()!) as {
		cpuMs: number;
		ok: number;
		error?: string;
	};
	if (report.error || report.ok !== items)
		throw new Error(`overhead run gave ${report.ok}/${items} items: ${report.error ?? ''}`);
	return Math.round((report.cpuMs / items) * 100) / 100;
}

export async function overheadScenario(items: number): Promise<OverheadResult> {
	const fake = new FakeSegmind({ credits: 10_000_000, scenario: { completeOnSubmit: true } });
	await fake.start();
	try {
		const withDownload = await measure(fake, items, true);
		const jsonOnly = await measure(fake, items, false);
		return { cpu_ms_per_item: withDownload, json_only_cpu_ms_per_item: jsonOnly, items };
	} finally {
		await fake.stop();
	}
}
