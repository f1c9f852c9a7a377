/**
 * The peers' waiting strategies, as plain HTTP clients against the same fake: submit, then poll on
 * a fixed clock (Segmind's SDK every 2 s, fal and OpenAI every 5 s, Segmind's samples every 7 s),
 * or the oracle that polls exactly once, at the moment the job completes.
 */
import type { FakeSegmind } from '../test/fake-segmind';

export type Strategy = { kind: 'fixed'; everyMs: number; retry429Ms?: number } | { kind: 'oracle' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function call(
	fake: FakeSegmind,
	method: string,
	url: string,
	body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
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
	return { status: response.status, json };
}

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
		await sleep(retry429Ms);
	}
	const requestId = String(submitted.json.request_id);
	const pollUrl = String(submitted.json.poll_url);
	if (strategy.kind === 'oracle') {
		const job = fake.jobs.find((candidate) => candidate.requestId === requestId)!;
		await sleep(job.completesAt - Date.now());
	}
	for (;;) {
		if (strategy.kind === 'fixed') await sleep(strategy.everyMs);
		const answer = await call(fake, 'GET', pollUrl);
		if (answer.status === 429) {
			await sleep(retry429Ms);
			continue;
		}
		if (String(answer.json.status).toUpperCase() === 'COMPLETED') return;
		if (strategy.kind === 'oracle') await sleep(20);
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
