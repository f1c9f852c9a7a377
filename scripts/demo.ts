/**
 * `npm run demo [-- "a prompt"]`: the main job. Runs the built Flux Art Generator inside n8n's
 * engine for one prompt, shows the job's progress on one line, saves the image under out/ and
 * prints the output item. Against the fake Segmind by default; against real Segmind when
 * SEGMIND_API_KEY is set (SEGMIND_BASE_URL may point at a proxy).
 */
import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';

import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';

import { FakeSegmind } from '../test/fake-segmind';
import { jobStatusOf } from '../test/harness/log-capture';
import type { LogEntry } from '../test/harness/log-capture';
import { PACKAGE_ROOT, shutdownHarness, startFluxNode } from '../test/harness/run-node';
import { DEFAULT_PROMPT, segmindFromEnv, shownUrl } from '../test/harness/segmind-target';
import { ProgressLine, runScript } from './console';

const OUT_DIR = path.join(PACKAGE_ROOT, 'out');

interface Target {
	label: string;
	apiKey: string;
	baseUrl: string;
	fake?: FakeSegmind;
}

async function chooseTarget(): Promise<Target> {
	const segmind = segmindFromEnv();
	if (segmind) return { label: `Segmind at ${shownUrl(segmind.baseUrl)}`, ...segmind };
	// A job of a few seconds, queued then processing, as Segmind's Flux workflow behaves.
	const fake = new FakeSegmind({ scenario: { durationMs: 4_000, imageFormat: 'jpeg' } });
	await fake.start();
	return {
		label: `the fake Segmind at ${fake.baseUrl} (set SEGMIND_API_KEY for the real one)`,
		apiKey: fake.apiKey,
		baseUrl: fake.baseUrl,
		fake,
	};
}

const EXTENSIONS: Record<string, string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/webp': 'webp',
};

/** The image's bytes: from the item's binary data when the node downloaded it, else from its URL. */
async function imageBytes(item: INodeExecutionData): Promise<{ bytes: Buffer; extension: string }> {
	const binary = item.binary?.data as IBinaryData | undefined;
	if (binary?.data) {
		return {
			bytes: Buffer.from(binary.data, 'base64'),
			extension: binary.fileExtension ?? EXTENSIONS[binary.mimeType] ?? 'img',
		};
	}
	const response = await fetch(String(item.json.image_output));
	if (!response.ok) throw new Error(`The image URL answered HTTP ${response.status}`);
	const type = (response.headers.get('content-type') ?? '').split(';')[0].trim();
	return { bytes: Buffer.from(await response.arrayBuffer()), extension: EXTENSIONS[type] ?? 'img' };
}

async function main(): Promise<number> {
	const prompt = process.argv.slice(2).join(' ').trim() || DEFAULT_PROMPT;
	const target = await chooseTarget();
	console.log(`Flux Art Generator → ${target.label}`);
	console.log(`Prompt: "${prompt}"`);

	const progress = new ProgressLine();
	const onLog = (entry: LogEntry) => {
		const status = jobStatusOf(entry);
		if (status !== undefined) progress.update(status);
	};
	try {
		const execution = await startFluxNode({
			credentials: { apiKey: target.apiKey, baseUrl: target.baseUrl },
			parameters: { textPrompt: prompt, options: {} },
			onLog,
		});
		progress.update('QUEUED');
		const { items, error } = await execution.done;
		if (error || !items?.length) {
			progress.finish('FAILED');
			console.error(`\nThe node failed: ${String(error?.message ?? 'no output')}`);
			if (error?.description) console.error(String(error.description));
			return 1;
		}
		progress.finish('DONE');
		const [item] = items;
		const { bytes, extension } = await imageBytes(item);
		mkdirSync(OUT_DIR, { recursive: true });
		const file = path.join(OUT_DIR, `${String(item.json.request_id || 'image')}.${extension}`);
		writeFileSync(file, bytes);
		console.log('\nOutput item:');
		console.log(JSON.stringify(item.json, null, 2));
		console.log(`\nImage saved: ${path.relative(process.cwd(), file)} (${bytes.length} bytes)`);
		return 0;
	} finally {
		await target.fake?.stop();
		shutdownHarness();
	}
}

runScript(main);
