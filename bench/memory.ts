/**
 * Memory: peak RSS of the node downloading N large images with binary data on disk, streamed (as
 * shipped) against the same run with every download buffered whole. Each run is its own child
 * process; the fake Segmind runs here, so its memory is not counted.
 */
import { execFile } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { promisify } from 'util';

import { FakeSegmind } from '../test/fake-segmind';

const run = promisify(execFile);

export interface MemoryResult {
	streamed_peak_rss_mb: number;
	buffered_peak_rss_mb: number;
	engine_baseline_rss_mb: number;
	items: number;
	image_mb: number;
	streamed_seconds: number;
	buffered_seconds: number;
	/** The same two runs with V8's young generation capped at 1 MB (a flag of the n8n process). */
	small_young_gen: { streamed_peak_rss_mb: number; buffered_peak_rss_mb: number };
	/** Streamed runs of several sizes: what the node holds must not grow with the item count. */
	by_items: ItemsFigure[];
}

interface ItemsFigure {
	items: number;
	peak_rss_mb: number;
	/** Peak RSS minus the RSS of the loaded engine before the first item. */
	above_engine_mb: number;
	seconds: number;
}

interface ChildReport {
	peakRssMb: number;
	baselineRssMb: number;
	seconds: number;
	withBinary: number;
	bytes: number;
	error?: string;
}

async function measure(
	fake: FakeSegmind,
	items: number,
	buffered: boolean,
	nodeFlags: string[] = [],
): Promise<ChildReport> {
	const config = JSON.stringify({ baseUrl: fake.baseUrl, apiKey: fake.apiKey, items, buffered });
	// The child's binary store lives here: hundreds of 4 MB images must not stay behind in /tmp.
	const userFolder = mkdtempSync(path.join(tmpdir(), 'segmind-bench-memory-'));
	let stdout: string;
	try {
		({ stdout } = await run(
			process.execPath,
			[...nodeFlags, path.join(__dirname, 'memory-child.js'), config],
			{
				env: { ...process.env, N8N_USER_FOLDER: userFolder },
				maxBuffer: 1024 * 1024,
				timeout: 600_000,
			},
		));
	} finally {
		rmSync(userFolder, { recursive: true, force: true });
	}
	const report = JSON.parse(stdout.trim().split('\n').pop()!) as ChildReport;
	if (report.error || report.withBinary !== items) {
		throw new Error(
			`memory run (${buffered ? 'buffered' : 'streamed'}) produced ${report.withBinary}/${items} images: ${report.error ?? ''}`,
		);
	}
	return report;
}

export async function memoryScenario(options: {
	items: number;
	imageMb: number;
	/** Item counts of the streamed runs in `by_items`. */
	byItems: number[];
}): Promise<MemoryResult> {
	const fake = new FakeSegmind({
		credits: 1_000_000,
		scenario: {
			completeOnSubmit: true,
			imagePaddingBytes: Math.round(options.imageMb * 1024 * 1024),
		},
	});
	await fake.start();
	try {
		const streamed = await measure(fake, options.items, false);
		const buffered = await measure(fake, options.items, true);
		// Most of what a run adds over the loaded engine is dead stream chunks waiting in V8's young
		// generation for the next scavenge; capping it shows what the node itself holds.
		const smallYoung = ['--max-semi-space-size=1'];
		const streamedSmall = await measure(fake, options.items, false, smallYoung);
		const bufferedSmall = await measure(fake, options.items, true, smallYoung);
		const byItems: ItemsFigure[] = [];
		for (const items of options.byItems) {
			const report = items === options.items ? streamed : await measure(fake, items, false);
			byItems.push({
				items,
				peak_rss_mb: round(report.peakRssMb),
				above_engine_mb: round(report.peakRssMb - report.baselineRssMb),
				seconds: round(report.seconds),
			});
		}
		return {
			streamed_peak_rss_mb: round(streamed.peakRssMb),
			buffered_peak_rss_mb: round(buffered.peakRssMb),
			engine_baseline_rss_mb: round(streamed.baselineRssMb),
			items: options.items,
			image_mb: options.imageMb,
			streamed_seconds: round(streamed.seconds),
			buffered_seconds: round(buffered.seconds),
			small_young_gen: {
				streamed_peak_rss_mb: round(streamedSmall.peakRssMb),
				buffered_peak_rss_mb: round(bufferedSmall.peakRssMb),
			},
			by_items: byItems,
		};
	} finally {
		await fake.stop();
	}
}

const round = (value: number) => Math.round(value * 10) / 10;

export function printMemory(result: MemoryResult, goalMb: number, growthGoal: number): void {
	const met = result.streamed_peak_rss_mb < goalMb ? 'met' : 'NOT met';
	console.log(
		`Memory: ${result.items} items of ${result.image_mb} MB images, binary data on disk (filesystem mode)`,
	);
	console.log(`  run                       peak RSS    time`);
	console.log(
		`  streamed (as shipped)   ${pad(result.streamed_peak_rss_mb)} MB  ${result.streamed_seconds} s`,
	);
	console.log(
		`  buffered whole          ${pad(result.buffered_peak_rss_mb)} MB  ${result.buffered_seconds} s`,
	);
	console.log(`  engine loaded, no item  ${pad(result.engine_baseline_rss_mb)} MB`);
	console.log(`  with node --max-semi-space-size=1 (diagnostic, a flag of the n8n process):`);
	console.log(`  streamed                ${pad(result.small_young_gen.streamed_peak_rss_mb)} MB`);
	console.log(`  buffered whole          ${pad(result.small_young_gen.buffered_peak_rss_mb)} MB`);
	console.log(
		`  buffered / streamed: ${(result.buffered_peak_rss_mb / result.streamed_peak_rss_mb).toFixed(2)}x; goal streamed < ${goalMb} MB: ${met}`,
	);
	console.log(`  streamed, by item count    peak RSS   above engine    time`);
	for (const figure of result.by_items)
		console.log(
			`  ${String(figure.items).padStart(5)} items            ${pad(figure.peak_rss_mb)} MB   ${pad(figure.above_engine_mb)} MB  ${figure.seconds} s`,
		);
	const first = result.by_items[0];
	const last = result.by_items[result.by_items.length - 1];
	if (first && last && last !== first) {
		const growth = last.above_engine_mb / first.above_engine_mb - 1;
		console.log(
			`  growth above engine ${first.items} -> ${last.items} items: ${(growth * 100).toFixed(0)}% (goal <= ${(growthGoal * 100).toFixed(0)}%: ${growth <= growthGoal ? 'met' : 'NOT met'})`,
		);
	}
}

const pad = (value: number) => value.toFixed(1).padStart(7);
