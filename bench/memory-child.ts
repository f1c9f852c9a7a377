/**
 * One measured run for the memory scenario, in a process of its own so its peak RSS is its own:
 * the built node in n8n's engine, binary data on disk (n8n 2.x's default), N items of large
 * images. With --buffered, n8n's binary store is made to read each download whole into memory
 * first, which is what a node that downloads with `encoding: 'arraybuffer'` does.
 */
import { readFileSync } from 'fs';

import { BinaryDataService } from 'n8n-core';

import {
	loadPackage,
	runFluxNode,
	shutdownHarness,
	useBinaryDataMode,
} from '../test/harness/run-node';

interface ChildConfig {
	baseUrl: string;
	apiKey: string;
	items: number;
	buffered: boolean;
	/**
	 * Forces a full GC this often (needs node --expose-gc). Without it V8 lets dead objects pile up
	 * in the old generation until its next mark-compact, a limit set as a multiple of the live heap,
	 * so the peak grows with a run's length whatever the node holds.
	 */
	gcEveryMs?: number;
}

const fullGc = (globalThis as { gc?: () => void }).gc;

/** Peak and current resident set size of this process, in MB (Linux /proc). */
function rssMb(): { peak: number; now: number } {
	const status = readFileSync('/proc/self/status', 'utf8');
	const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
	return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 };
}

async function bufferWhole(stream: AsyncIterable<Buffer>): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk);
	return Buffer.concat(chunks);
}

async function main() {
	const config = JSON.parse(process.argv[2]) as ChildConfig;
	await useBinaryDataMode('filesystem');
	if (config.buffered) {
		const store = BinaryDataService.prototype.store;
		BinaryDataService.prototype.store = async function (location, data, binaryData) {
			const whole = Buffer.isBuffer(data) ? data : await bufferWhole(data as AsyncIterable<Buffer>);
			return await store.call(this, location, whole, binaryData);
		};
	}
	await loadPackage();
	const collect = config.gcEveryMs && fullGc;
	if (collect) fullGc();
	const baseline = rssMb().now;
	const heapBefore = process.memoryUsage().heapUsed;
	const timer = collect ? setInterval(fullGc, config.gcEveryMs) : undefined;
	const started = Date.now();
	const result = await runFluxNode({
		credentials: { apiKey: config.apiKey, baseUrl: config.baseUrl },
		parameters: { textPrompt: '={{ $json.prompt }}', options: { timeout: 60 } },
		items: Array.from({ length: config.items }, (_, i) => ({ prompt: `memory bench image ${i}` })),
	});
	const seconds = (Date.now() - started) / 1000;
	clearInterval(timer);
	// What is still reachable once the run is over: n8n's run data (the output items are in
	// `result`) and whatever else outlives the execution.
	let liveHeapGrowthMb: number | undefined;
	if (collect) {
		fullGc();
		liveHeapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
	}
	const withBinary = result.items?.filter((item) => item.binary?.data?.id).length ?? 0;
	const bytes =
		result.items?.reduce((sum, item) => sum + Number(item.binary?.data?.bytes ?? 0), 0) ?? 0;
	shutdownHarness();
	process.stdout.write(
		`${JSON.stringify({ peakRssMb: rssMb().peak, baselineRssMb: baseline, seconds, withBinary, bytes, liveHeapGrowthMb, error: result.error?.message })}\n`,
	);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
