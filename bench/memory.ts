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
	/** Streamed runs of several sizes, V8 as n8n runs it (default heap sizing). */
	by_items: ItemsFigure[];
	/**
	 * The same sizes with a full GC forced every `gc_every_ms`, each run `runs` times: V8's room for
	 * dead objects taken out, what the node and n8n hold is left. The goal is judged on this one.
	 */
	by_items_gc: { gc_every_ms: number; runs: number; figures: ItemsGcFigure[] };
}

interface ItemsGcFigure {
	items: number;
	/** Median over the runs of peak RSS minus the loaded engine's RSS. */
	above_engine_mb: number;
	/** Every run's figure, to show the noise. */
	above_engine_runs_mb: number[];
	/** Heap still reachable after the run and a full GC, over the heap before it (median). */
	live_heap_growth_mb: number;
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
	liveHeapGrowthMb?: number;
	error?: string;
}

async function measure(
	fake: FakeSegmind,
	items: number,
	buffered: boolean,
	nodeFlags: string[] = [],
	gcEveryMs?: number,
): Promise<ChildReport> {
	const config = JSON.stringify({
		baseUrl: fake.baseUrl,
		apiKey: fake.apiKey,
		items,
		buffered,
		gcEveryMs,
	});
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
	/** Item counts of the streamed runs in `by_items` and `by_items_gc`. */
	byItems: number[];
	/** How many times each count runs with forced GCs (the median is kept). */
	gcRuns: number;
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
		// At this bench's pace a quarter of a second is about 30 MB of downloads: collecting that often
		// keeps V8's old-generation slack out of the peak at little cost (every 100 ms was no steadier).
		const gcEveryMs = 250;
		const figures: ItemsGcFigure[] = [];
		for (const items of options.byItems) {
			const reports: ChildReport[] = [];
			for (let run = 0; run < options.gcRuns; run++)
				reports.push(await measure(fake, items, false, ['--expose-gc'], gcEveryMs));
			figures.push({
				items,
				above_engine_mb: round(median(reports.map((r) => r.peakRssMb - r.baselineRssMb))),
				above_engine_runs_mb: reports.map((r) => round(r.peakRssMb - r.baselineRssMb)),
				live_heap_growth_mb: round(median(reports.map((r) => r.liveHeapGrowthMb ?? NaN))),
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
			by_items_gc: { gc_every_ms: gcEveryMs, runs: options.gcRuns, figures },
		};
	} finally {
		await fake.stop();
	}
}

const round = (value: number) => Math.round(value * 10) / 10;

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

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
	console.log(
		`  streamed, by item count    peak RSS   above engine    time   (V8's default heap sizing)`,
	);
	for (const figure of result.by_items)
		console.log(
			`  ${String(figure.items).padStart(5)} items            ${pad(figure.peak_rss_mb)} MB   ${pad(figure.above_engine_mb)} MB  ${figure.seconds} s`,
		);
	const growthOf = (figures: Array<{ above_engine_mb: number }>) =>
		figures.length > 1
			? figures[figures.length - 1].above_engine_mb / figures[0].above_engine_mb - 1
			: NaN;
	const byItems = result.by_items;
	if (byItems.length > 1)
		console.log(
			`  growth above engine ${byItems[0].items} -> ${byItems[byItems.length - 1].items} items: ${percent(growthOf(byItems))} (dead objects V8 has not collected yet; not the goal's measure)`,
		);
	const { gc_every_ms: gcEveryMs, runs, figures } = result.by_items_gc;
	console.log(
		`  streamed, a full GC every ${gcEveryMs} ms (node --expose-gc), median of ${runs}:  above engine   (runs)   live heap after`,
	);
	for (const figure of figures)
		console.log(
			`  ${String(figure.items).padStart(5)} items                                      ${pad(figure.above_engine_mb)} MB   (${figure.above_engine_runs_mb.join(', ')})   ${pad(figure.live_heap_growth_mb)} MB`,
		);
	if (figures.length > 1) {
		const first = figures[0];
		const last = figures[figures.length - 1];
		const growth = growthOf(figures);
		const perItemKb =
			((last.live_heap_growth_mb - first.live_heap_growth_mb) * 1024) / (last.items - first.items);
		console.log(
			`  growth above engine ${first.items} -> ${last.items} items: ${percent(growth)} (goal <= ${percent(growthGoal)}: ${growth <= growthGoal ? 'met' : 'NOT met'}); live heap ${perItemKb.toFixed(1)} KB per item (n8n's run data, and code V8 compiled in the longer run)`,
		);
	}
}

const percent = (fraction: number) => `${(fraction * 100).toFixed(0)}%`;
const pad = (value: number) => value.toFixed(1).padStart(7);
