/**
 * The smoke run behind `npm run smoke` (scripts/smoke.ts), also run by its test against the fake:
 * Get Credits, one Generate at the defaults on the Flux workflow, Get Credits again, each through
 * the node in n8n's engine, while nock records every exchange. It writes the recording
 * (test/fake-segmind/recording.ts) and prints what the image cost and what in the recording the
 * fake never produces. The key is never printed and never written.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { compareWithFake, describeDifferences, fakeVocabulary } from '../fake-segmind/differences';
import { exchangesOf, REDACTED, type Recording } from '../fake-segmind/recording';
import { serializeRecording, startHttpRecording, toRecording } from './http-recorder';
import type { NockRecord } from './http-recorder';
import { jobStatusOf } from './log-capture';
import { PACKAGE_ROOT, runFluxNode, type FluxRun } from './run-node';
import { DEFAULT_PROMPT, shownUrl, type SegmindTarget } from './segmind-target';

/** Where recordings live; the replay test (test/engine/replay.test.ts) runs every one. */
export const RECORDED_DIR = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'recorded');

export const MISSING_KEY =
	'Set SEGMIND_API_KEY to your Segmind API key (and SEGMIND_BASE_URL for a proxy) to run the smoke test.';

export interface SmokeOptions {
	target: SegmindTarget;
	/** Where the recording goes (RECORDED_DIR by default). */
	outDir?: string;
	/** Where a failed run's recording goes (out/ by default): worth reading, not replaying. */
	failedDir?: string;
	/** Receives every line the run prints. */
	print: (line: string) => void;
	/** Told the job's status after each check of the Generate. */
	onStatus?: (status: string) => void;
	/** Generate's options; the node's defaults unless a test needs a faster run. */
	generateOptions?: INodeParameters;
}

export interface SmokeResult {
	ok: boolean;
	/** The file written (a failed run's goes under out/). */
	file: string;
	recording: Recording;
}

export async function runSmoke(options: SmokeOptions): Promise<SmokeResult> {
	const { target } = options;
	// Node's messages never hold the key; this makes sure of it for every line printed.
	const print = (line: string) => options.print(line.split(target.apiKey).join(REDACTED));
	const credentials = { apiKey: target.apiKey, baseUrl: target.baseUrl };
	const getCredits = async () =>
		await runFluxNode({ credentials, parameters: { operation: 'getCredits', options: {} } });

	print(`Smoke run against Segmind at ${shownUrl(target.baseUrl)}, every exchange recorded`);
	const stopRecording = await startHttpRecording();
	let runs: Array<[string, FluxRun]> = [];
	let records: NockRecord[] = [];
	try {
		runs = [['Get Credits', await getCredits()]];
		if (!failure(runs)) {
			print(`Generate: "${DEFAULT_PROMPT}" on the default workflow, at the default options`);
			options.onStatus?.('SUBMITTING');
			const generate = await runFluxNode({
				credentials,
				parameters: {
					operation: 'generate',
					textPrompt: DEFAULT_PROMPT,
					options: options.generateOptions ?? {},
				},
				onLog: (entry) => {
					const status = jobStatusOf(entry);
					if (status !== undefined) options.onStatus?.(status);
				},
			});
			runs.push(['Generate', generate]);
		}
		if (!failure(runs)) runs.push(['Get Credits', await getCredits()]);
	} finally {
		records = stopRecording();
	}

	const [, before] = runs[0] ?? [];
	const [, generate] = runs[1] ?? [];
	const [, after] = runs[2] ?? [];
	const item = generate?.items?.[0];
	const recording = toRecording(records, {
		apiKey: target.apiKey,
		source: `npm run smoke against ${shownUrl(target.baseUrl)}`,
		capture: true,
		date: new Date().toISOString(),
		workflow: String(item?.json.workflow_id ?? workflowOfSubmit(records) ?? 'unknown'),
		n8nCore: n8nCoreVersion(),
		baseUrl: target.baseUrl,
	});
	const failed = failure(runs);
	const file = failed
		? freeName(
				options.failedDir ?? path.join(PACKAGE_ROOT, 'out'),
				`smoke-failed-${recording.header.date.slice(0, 10)}`,
			)
		: freeName(options.outDir ?? RECORDED_DIR, recordingName(recording));
	mkdirSync(path.dirname(file), { recursive: true });
	writeFileSync(file, serializeRecording(recording, target.apiKey));

	if (failed) {
		print(`${failed[0]} failed: ${failed[1]}`);
		print(`The exchanges so far are in ${relative(file)} (not a fixture: the run failed).`);
		return { ok: false, file, recording };
	}
	for (const line of summary(recording, before?.items?.[0], item, after?.items?.[0])) print(line);
	print(`Recorded ${describeCounts(recording)} in ${relative(file)}`);
	const differences = compareWithFake(recording, await fakeVocabulary());
	for (const line of describeDifferences(differences)) print(line);
	print(
		'Check the file, then open a pull request with it (CONTRIBUTING.md, "Contribute a recording").',
	);
	return { ok: true, file, recording };
}

/** The first run that failed, as [its name, what it said]. */
function failure(runs: Array<[string, FluxRun]>): [string, string] | undefined {
	for (const [name, run] of runs) {
		if (run.error || !run.items?.length) {
			const { message = 'no output', description } = run.error ?? {};
			return [name, [message, description].filter(Boolean).map(String).join(' ')];
		}
	}
	return undefined;
}

function summary(
	recording: Recording,
	before: INodeExecutionData | undefined,
	generated: INodeExecutionData | undefined,
	after: INodeExecutionData | undefined,
): string[] {
	const json = generated?.json ?? {};
	const image = exchangesOf(recording, 'image')[0]?.image;
	const creditsBefore = Number(before?.json.credits);
	const creditsAfter = Number(after?.json.credits);
	const seconds = (Number(json.elapsed_ms) / 1000).toFixed(1);
	const cost = Number((creditsBefore - creditsAfter).toFixed(6));
	return [
		`Generate: ${String(json.status)} in ${seconds} s after ${String(json.polls)} poll(s), request ${String(json.request_id)}`,
		`  image: ${String(json.image_output)} (${image ? `${image.type}, ${image.size} bytes` : 'not downloaded'})`,
		`Credits: ${creditsBefore} before, ${creditsAfter} after (Get Credits): the image cost ${cost}`,
		`  the Generate's own remaining_credits: ${String(json.remaining_credits)}`,
	];
}

function describeCounts(recording: Recording): string {
	const kinds = ['credits', 'submit', 'poll', 'image'] as const;
	const counts = kinds.map((kind) => {
		const count = exchangesOf(recording, kind).length;
		return `${count} ${kind}${count === 1 || kind === 'credits' ? '' : 's'}`;
	});
	return `${recording.exchanges.length} exchanges (${counts.join(', ')})`;
}

/** `<date>-<workflow>.json`; the workflow ID as a file name may hold only safe characters. */
function recordingName(recording: Recording): string {
	const workflow = recording.header.workflow.replace(/[^A-Za-z0-9_-]+/g, '_');
	return `${recording.header.date.slice(0, 10)}-${workflow}`;
}

/** `<stem>.json` in `dir`, or `<stem>-2.json` and so on when that exists: never overwrites. */
function freeName(dir: string, stem: string): string {
	for (let n = 1; ; n++) {
		const file = path.join(dir, `${stem}${n === 1 ? '' : `-${n}`}.json`);
		if (!existsSync(file)) return file;
	}
}

function workflowOfSubmit(records: Array<{ method: string; path: string }>): string | undefined {
	const submit = records.find((record) => record.method === 'POST');
	return submit?.path.split('?')[0]?.split('/').pop();
}

function n8nCoreVersion(): string {
	const manifest = path.join(PACKAGE_ROOT, 'node_modules', 'n8n-core', 'package.json');
	return String((JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version);
}

function relative(file: string): string {
	const shown = path.relative(process.cwd(), file);
	return shown.startsWith('..') ? file : shown;
}
