/**
 * What a recording holds that the fake Segmind never produces: body fields, status words,
 * response header names, the poll URL's form. The fake's side is not a list kept by hand: it is
 * taken from the fake's own code, its pure answer builders (scenario.ts) over every shape, and a
 * few calls to a running fake for what its server builds itself (the submit, credits, error and
 * image answers, and the headers it sets). `npm run smoke` prints it after a recording.
 */
import { withBalance } from './answers';
import { isRecord } from './http';
import type { Exchange, ExchangeKind, Recording } from './recording';
import { exchangesOf, requestIdOf, SEGMIND_ORIGIN } from './recording';
import { isApiPollPath } from './routes';
import {
	DEFAULT_SCENARIO,
	FAILURE_REASONS,
	mergeScenario,
	pendingAnswer,
	pollUrlFor,
	terminalAnswer,
} from './scenario';
import { FakeSegmind } from './server';
import { call, keyHeaders, poll, submit, type Answer } from './test-client';
import type { FailureShape, JobScenario, OutputShape, PollPath } from './types';

type CreditsInBody = NonNullable<JobScenario['creditsInBody']>;

// Objects rather than lists: tsc fails here when types.ts gains or loses a shape.
const OUTPUT_SHAPES: Record<OutputShape, true> = {
	'output-string': true,
	'output-list': true,
	'output-object': true,
	'output-plain-values': true,
	flat: true,
	'flat-list': true,
};
const POLL_PATHS: Record<PollPath, true> = {
	requests: true,
	'workflows-request': true,
	'v1-requests': true,
	relative: true,
	placeholder: true,
	missing: true,
	foreign: true,
};
const CREDITS_IN_BODY: Record<CreditsInBody, true> = { metrics: true, 'top-level': true };

/**
 * Response headers not compared: they describe the connection, the encoding or caching, which
 * any HTTP server or proxy sets, not Segmind's answer.
 */
export const IGNORED_HEADERS: readonly string[] = [
	'accept-ranges',
	'age',
	'alt-svc',
	'cache-control',
	'connection',
	'content-encoding',
	'content-length',
	'date',
	'etag',
	'expires',
	'keep-alive',
	'last-modified',
	'pragma',
	'server',
	'set-cookie',
	'strict-transport-security',
	'transfer-encoding',
	'vary',
	'via',
];

/** How a poll URL's form is written: the Base URL, another origin, the request ID. */
const BASE = '{base}';
const OTHER = '{other}';
const ID = '{id}';
const NO_POLL_URL = '(no poll_url)';

export interface FakeVocabulary {
	fields: Set<string>;
	statusWords: Set<string>;
	headerNames: Set<string>;
	pollUrlForms: Set<string>;
}

/** Everything the fake can send, as far as these four categories go. */
export async function fakeVocabulary(): Promise<FakeVocabulary> {
	const vocabulary: FakeVocabulary = {
		fields: new Set(),
		statusWords: new Set(),
		headerNames: new Set(),
		pollUrlForms: new Set(),
	};
	for (const body of builtBodies()) addBody(vocabulary, body);
	for (const pollPath of Object.keys(POLL_PATHS) as PollPath[]) {
		// Segmind's own origin goes only with the absolute API forms (mergeScenario refuses others).
		const origins = isApiPollPath(pollPath) ? (['api', 'segmind'] as const) : (['api'] as const);
		for (const pollOrigin of origins) {
			const scenario = mergeScenario(DEFAULT_SCENARIO, { pollPath, pollOrigin });
			const url = pollUrlFor(scenario, ID, { apiBase: BASE, imageBase: OTHER });
			vocabulary.pollUrlForms.add(url ?? NO_POLL_URL);
		}
	}
	for (const answer of await probeAnswers()) {
		answer.headers.forEach((_value, name) => vocabulary.headerNames.add(name.toLowerCase()));
		if (isRecord(answer.json)) addBody(vocabulary, answer.json);
	}
	return vocabulary;
}

/**
 * The job answers of the pure builders, over every output and failure shape, in both status
 * cases. Words a test names itself (pendingStatus, completedStatus, terminalStatus) are the
 * test's, not the fake's: the defaults stand for them.
 */
function builtBodies(): Array<Record<string, unknown>> {
	const bodies: Array<Record<string, unknown>> = [];
	for (const statusCase of ['upper', 'lower'] as const) {
		const scenario = (partial: Partial<JobScenario>) =>
			mergeScenario(DEFAULT_SCENARIO, { statusCase, ...partial });
		bodies.push(pendingAnswer(scenario({}), 'queued').body);
		bodies.push(pendingAnswer(scenario({}), 'processing').body);
		for (const outputShape of Object.keys(OUTPUT_SHAPES) as OutputShape[]) {
			bodies.push(terminalAnswer(scenario({ outputShape }), 'http://image.example/a.png').body);
		}
		for (const shape of Object.keys(FAILURE_REASONS) as FailureShape[]) {
			bodies.push(terminalAnswer(scenario({ fail: { shape } }), '').body);
		}
	}
	for (const creditsInBody of Object.keys(CREDITS_IN_BODY) as CreditsInBody[]) {
		const reply = withBalance(200, {}, mergeScenario(DEFAULT_SCENARIO, { creditsInBody }), 1);
		bodies.push(reply.body as Record<string, unknown>);
	}
	return bodies;
}

/** What a running fake's server answers itself: submit, poll, credits, errors, image, redirect. */
async function probeAnswers(): Promise<Answer[]> {
	const fake = new FakeSegmind({ scenario: { durationMs: 60_000 } });
	await fake.start();
	try {
		const credits = await call(`${fake.baseUrl}/v1/get-user-credits`, {
			headers: keyHeaders(fake),
		});
		const submitted = await submit(fake);
		const pollUrl = String(submitted.json.poll_url);
		const requestId = String(submitted.json.request_id);
		const polled = await poll(fake, pollUrl);
		const image = await call(`${fake.imageBaseUrl}/images/${requestId}.png`);
		const badKey = await call(`${fake.baseUrl}/v1/get-user-credits`);
		const unknown = await poll(fake, `${fake.baseUrl}/workflows/request/0000`);
		fake.respond('poll', { status: 302, redirectTo: 'api' });
		const redirect = await call(pollUrl, { headers: keyHeaders(fake), redirect: 'manual' });
		return [credits, submitted, polled, image, badKey, unknown, redirect];
	} finally {
		await fake.stop();
	}
}

/** Every field path of a JSON body: `a.b`, `list[].c`, and `s(json)[].d` inside a JSON string. */
export function fieldPaths(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
	if (Array.isArray(value)) {
		for (const entry of value) fieldPaths(entry, `${prefix}[]`, out);
	} else if (isRecord(value)) {
		for (const [key, inner] of Object.entries(value)) {
			const path = prefix ? `${prefix}.${key}` : key;
			out.add(path);
			fieldPaths(inner, path, out);
		}
	} else if (typeof value === 'string' && /^\s*[[{]/.test(value)) {
		// Segmind's `output` is a JSON string of a list: what is inside it counts too.
		try {
			fieldPaths(JSON.parse(value) as unknown, `${prefix}(json)`, out);
		} catch {
			// Text that only looks like JSON: a plain string.
		}
	}
	return out;
}

function addBody(vocabulary: FakeVocabulary, body: Record<string, unknown>) {
	fieldPaths(body, '', vocabulary.fields);
	if (typeof body.status === 'string') vocabulary.statusWords.add(body.status);
}

/** The submit answer's poll URL, written in the forms' terms ({base}, {other}, {id}). */
export function pollUrlForm(recording: Recording): string {
	const answer = exchangesOf(recording, 'submit')[0]?.json;
	const pollUrl = isRecord(answer) ? answer.poll_url : undefined;
	if (typeof pollUrl !== 'string') return NO_POLL_URL;
	const { baseUrl } = recording.header;
	let form = pollUrl;
	if (pollUrl === baseUrl || pollUrl.startsWith(`${baseUrl}/`)) {
		form = `${BASE}${pollUrl.slice(baseUrl.length)}`;
	} else if (URL.canParse(pollUrl) && /^https?:/i.test(pollUrl)) {
		// Segmind's own origin is named, not hidden: a poll URL there behind a proxy is the point.
		const { origin } = new URL(pollUrl);
		if (origin !== SEGMIND_ORIGIN) form = `${OTHER}${pollUrl.slice(origin.length)}`;
	}
	const requestId = requestIdOf(recording);
	return requestId ? form.split(requestId).join(ID) : form;
}

/** One thing the fake never sends, and which kinds of exchange had it. */
interface Difference {
	item: string;
	seenIn: ExchangeKind[];
}

export interface Differences {
	fields: Difference[];
	statusWords: Difference[];
	headerNames: Difference[];
	pollUrlForms: Difference[];
}

/** What the recording has that the fake never produces, per category, in recorded order. */
export function compareWithFake(recording: Recording, fake: FakeVocabulary): Differences {
	const found = {
		fields: new Map<string, Set<ExchangeKind>>(),
		statusWords: new Map<string, Set<ExchangeKind>>(),
		headerNames: new Map<string, Set<ExchangeKind>>(),
		pollUrlForms: new Map<string, Set<ExchangeKind>>(),
	};
	const note = (map: Map<string, Set<ExchangeKind>>, item: string, exchange: Exchange) => {
		map.set(item, (map.get(item) ?? new Set()).add(exchange.kind));
	};
	for (const exchange of recording.exchanges) {
		for (const path of fieldPaths(exchange.json)) {
			if (!fake.fields.has(path)) note(found.fields, path, exchange);
		}
		const status = isRecord(exchange.json) ? exchange.json.status : undefined;
		if (typeof status === 'string' && !fake.statusWords.has(status)) {
			note(found.statusWords, status, exchange);
		}
		for (const name of Object.keys(exchange.responseHeaders)) {
			if (!IGNORED_HEADERS.includes(name) && !fake.headerNames.has(name)) {
				note(found.headerNames, name, exchange);
			}
		}
	}
	const submit = exchangesOf(recording, 'submit')[0];
	const form = pollUrlForm(recording);
	if (submit && !fake.pollUrlForms.has(form)) note(found.pollUrlForms, form, submit);
	const list = (map: Map<string, Set<ExchangeKind>>) =>
		[...map].map(([item, kinds]) => ({ item, seenIn: [...kinds] }));
	return {
		fields: list(found.fields),
		statusWords: list(found.statusWords),
		headerNames: list(found.headerNames),
		pollUrlForms: list(found.pollUrlForms),
	};
}

/** The differences in plain lines, one category a line. */
export function describeDifferences(differences: Differences): string[] {
	const items = (list: Difference[]) =>
		list.length === 0
			? 'none'
			: list.map(({ item, seenIn }) => `${item} (${seenIn.join(', ')})`).join('; ');
	return [
		'What the recording has that the fake Segmind never produces:',
		`  body fields:       ${items(differences.fields)}`,
		`  status words:      ${items(differences.statusWords)}`,
		`  header names:      ${items(differences.headerNames)}`,
		`    (not compared: ${IGNORED_HEADERS.join(', ')})`,
		`  poll URL form:     ${items(differences.pollUrlForms)}`,
	];
}
