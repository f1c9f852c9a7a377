/**
 * The peers' waiting strategies, as plain HTTP clients against the same fake: submit, then poll on
 * a fixed clock (Segmind's SDK every 2 s, fal and OpenAI every 5 s, Segmind's samples every 7 s),
 * or the oracle that polls exactly once, at the moment the job completes. A 429 is waited out
 * until the `x-rate-limit-reset-at-utc` it carries, else for `retry429Ms`, then the same request
 * goes again, as a client of Segmind's documented headers would.
 */
import type { FakeSegmind } from '../test/fake-segmind';
import { imageUrlOf } from '../test/fake-segmind/test-client';

export type Strategy =
	| {
			kind: 'fixed';
			everyMs: number;
			retry429Ms?: number;
			/** Download each finished job's image, as a user of the SDK does with its output. */
			downloadImage?: boolean;
	  }
	| { kind: 'oracle' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function call(
	fake: FakeSegmind,
	method: string,
	url: string,
	body?: unknown,
): Promise<{ status: number; json: Record<string, unknown>; resetAt?: number }> {
	const response = await fetch(url, {
		method,
		headers: { 'x-api-key': fake.apiKey, 'content-type': 'application/json' },
		body: body ? JSON.stringify(body) : undefined,
	});
	const text = await response.text();
	let json: Record<string, unknown> = {};
	try {
		json = JSON.parse(text) as Record<string, unknown>;
	} catch {
		// A 429 page or similar: the status says enough.
	}
	const resetAt = Date.parse(response.headers.get('x-rate-limit-reset-at-utc') ?? '');
	return { status: response.status, json, ...(Number.isNaN(resetAt) ? {} : { resetAt }) };
}

/** How long to wait after a 429: until the reset time it names, else `retry429Ms`. */
const waitAfter429 = (answer: { resetAt?: number }, retry429Ms: number) =>
	answer.resetAt === undefined ? retry429Ms : answer.resetAt - Date.now();

async function runOne(
	fake: FakeSegmind,
	prompt: string,
	strategy: Strategy,
	retry429Ms: number,
): Promise<void> {
	let submitted;
	for (;;) {
		submitted = await call(fake, 'POST', `${fake.baseUrl}/workflows/66ba4126364d0f944f366a8f-v2`, {
			text_prompt: prompt,
		});
		if (submitted.status !== 429) break;
		await sleep(waitAfter429(submitted, retry429Ms));
	}
	const requestId = String(submitted.json.request_id);
	const pollUrl = String(submitted.json.poll_url);
	if (strategy.kind === 'oracle') {
		const job = fake.jobs.find((candidate) => candidate.requestId === requestId)!;
		await sleep(job.completesAt - Date.now());
	}
	const interval = strategy.kind === 'fixed' ? strategy.everyMs : 20;
	// The wait a 429 asks for stands in for the next interval: the poll goes again right after it.
	let wait = strategy.kind === 'fixed' ? interval : 0;
	for (;;) {
		await sleep(wait);
		const answer = await call(fake, 'GET', pollUrl);
		if (answer.status === 429) {
			wait = waitAfter429(answer, retry429Ms);
			continue;
		}
		if (String(answer.json.status).toUpperCase() === 'COMPLETED') {
			if (strategy.kind === 'fixed' && strategy.downloadImage)
				await (await fetch(imageUrlOf(answer.json))).arrayBuffer();
			return;
		}
		wait = interval;
	}
}

/** Runs the prompts through `strategy`, `concurrency` at a time, as a peer node would. */
export async function runClient(
	fake: FakeSegmind,
	prompts: string[],
	strategy: Strategy,
	concurrency: number,
): Promise<number> {
	const started = Date.now();
	let next = 0;
	const retry429Ms = strategy.kind === 'fixed' ? (strategy.retry429Ms ?? strategy.everyMs) : 1_000;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < prompts.length) await runOne(fake, prompts[next++], strategy, retry429Ms);
		}),
	);
	return Date.now() - started;
}
