/** Small fetch helpers shared by the fake server's own tests (not part of its public API). */
import type { FakeSegmind } from './server';

export const FLUX_WORKFLOW = '66ba4126364d0f944f366a8f-v2';

export interface Answer {
	status: number;
	headers: Headers;
	text: string;
	/** The parsed body, or undefined when it is not JSON. */
	json: Record<string, unknown>;
}

export async function call(url: string, init: RequestInit = {}): Promise<Answer> {
	const response = await fetch(url, init);
	const text = await response.text();
	let json: Record<string, unknown> = {};
	try {
		json = JSON.parse(text) as Record<string, unknown>;
	} catch {
		// Not JSON: tests that expect text read `text`.
	}
	return { status: response.status, headers: response.headers, text, json };
}

export function keyHeaders(fake: FakeSegmind): Record<string, string> {
	return { 'x-api-key': fake.apiKey, 'content-type': 'application/json' };
}

export function submit(
	fake: FakeSegmind,
	body: unknown = { text_prompt: 'a lighthouse at dusk' },
	workflowId: string = FLUX_WORKFLOW,
	headers: Record<string, string> = keyHeaders(fake),
): Promise<Answer> {
	return call(`${fake.baseUrl}/workflows/${workflowId}`, {
		method: 'POST',
		headers,
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
}

export function poll(fake: FakeSegmind, url: string, withKey = true): Promise<Answer> {
	return call(url, { headers: withKey ? { 'x-api-key': fake.apiKey } : {} });
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The API-host poll URL for a job, whatever the scenario put in poll_url. */
export function apiPollUrl(fake: FakeSegmind, requestId: string): string {
	return `${fake.baseUrl}/workflows/request/${requestId}`;
}

/** Pulls the image URL out of any of the fake's COMPLETED output shapes. */
export function imageUrlOf(body: Record<string, unknown>, key = 'image_output'): string {
	const top = body[key];
	if (typeof top === 'string') return top;
	if (Array.isArray(top)) return String(top[0]);
	let output: unknown = body.output;
	if (typeof output === 'string') output = JSON.parse(output) as unknown;
	if (Array.isArray(output)) {
		const entry = output[0] as { value: string | { data: string } };
		return typeof entry.value === 'string' ? entry.value : entry.value.data;
	}
	return String((output as Record<string, unknown>)[key]);
}
