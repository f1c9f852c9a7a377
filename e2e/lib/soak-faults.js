'use strict';
/**
 * The soak's load and its faults, all drawn from one seed: for every slot (execution, item) a job
 * duration and, for about a tenth of the slots, one fault of one family. The fake Segmind plays a
 * fault through its `inject` option (or `scenarioFor`, for FAILED jobs) on the first request of
 * the chosen kind for that slot's prompt, so which request fails does not depend on the order in
 * which n8n's workers happen to send them.
 */

/** mulberry32: a small seeded generator, enough for drawing a test plan. Returns [0, 1). */
function random(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const pick = (rnd, list) => list[Math.floor(rnd() * list.length)];

function shuffle(rnd, list) {
	const copy = [...list];
	for (let i = copy.length - 1; i > 0; i--) {
		const j = Math.floor(rnd() * (i + 1));
		[copy[i], copy[j]] = [copy[j], copy[i]];
	}
	return copy;
}

const HTML_PAGE = (status) =>
	`<!DOCTYPE html><html><head><title>${status}</title></head><body><h1>${status} Server Error</h1><p>upstream trouble</p></body></html>`;

/**
 * The fault families. `draw` picks the variant (route, status, wait); `expect` says what the node
 * should make of it: 'image' (recovered by its retries) or the error code of the item, and
 * whether that item names a job (`job: true`) or none was made (`job: false`).
 */
const FAMILIES = {
	'429-retry-after': {
		draw: (rnd) => ({ route: pick(rnd, ['submit', 'poll']), waitS: pick(rnd, [1, 2]) }),
		answer: (v) => ({
			status: 429,
			body: { error: 'Rate limit exceeded' },
			headers: { 'retry-after': String(v.waitS) },
		}),
		expect: () => ({ outcome: 'image' }),
	},
	'429-reset-at': {
		draw: (rnd) => ({
			route: pick(rnd, ['submit', 'poll']),
			waitMs: pick(rnd, [1000, 2000]),
			format: pick(rnd, ['iso', 'epoch-seconds']),
		}),
		// The header holds an absolute time, so it is written when the request comes.
		answer: (v) => {
			const at = Date.now() + v.waitMs;
			const value = v.format === 'iso' ? new Date(at).toISOString() : String(Math.ceil(at / 1000));
			return {
				status: 429,
				body: { error: 'Rate limit exceeded' },
				headers: { 'x-rate-limit-reset-at-utc': value },
			};
		},
		expect: () => ({ outcome: 'image' }),
	},
	'429-bare': {
		draw: (rnd) => ({ route: pick(rnd, ['submit', 'poll']) }),
		answer: () => ({ status: 429, body: { error: 'Too many requests' } }),
		expect: () => ({ outcome: 'image' }),
	},
	'5xx-html': {
		draw: (rnd) => ({
			route: pick(rnd, ['submit', 'poll']),
			status: pick(rnd, [500, 502, 503, 504]),
		}),
		answer: (v) => ({ status: v.status, body: HTML_PAGE(v.status) }),
		// A 502/504 to a submit may come from a gateway that passed the prompt on: not repeated.
		expect: (v) =>
			v.route === 'submit' && (v.status === 502 || v.status === 504)
				? { outcome: 'SERVER', job: false }
				: { outcome: 'image' },
	},
	reset: {
		draw: (rnd) => ({ route: pick(rnd, ['submit', 'poll', 'image']) }),
		answer: () => ({ status: 200, destroy: true }),
		// After a reset on a submit nobody knows whether Segmind took it: reported, not repeated.
		expect: (v) =>
			v.route === 'submit' ? { outcome: 'NETWORK', job: false } : { outcome: 'image' },
	},
	'poll-hang': {
		draw: () => ({ route: 'poll' }),
		answer: () => ({ status: 200, hang: true }),
		expect: () => ({ outcome: 'image' }),
	},
	'drop-after-accept': {
		draw: () => ({ route: 'submit' }),
		answer: () => ({ status: 200, destroy: true, afterAccept: true }),
		// The job exists and is billed, but the node never learns its request ID.
		expect: () => ({ outcome: 'NETWORK', job: false }),
	},
	failed: {
		draw: (rnd) => ({
			route: 'scenario',
			shape: pick(rnd, ['error_message-string', 'error_message-object', 'error', 'message']),
			httpStatus: pick(rnd, [200, 422]),
		}),
		expect: () => ({ outcome: 'FAILED', job: true }),
	},
	'expired-image': {
		draw: (rnd) => ({ route: 'image', status: pick(rnd, [404, 410]) }),
		answer: (v) => ({ status: v.status, body: { error: 'Not found' } }),
		expect: () => ({ outcome: 'NOT_FOUND', job: true }),
	},
};
const FAMILY_NAMES = Object.keys(FAMILIES);

/**
 * The load: `executions` × `items` slots, each with a job duration in [minMs, maxMs] and maybe a
 * fault. round(slots × rate) slots get one; when there are enough, every family comes once before
 * the rest are drawn at random, so even a small soak meets them all.
 */
function drawLoad({ seed, executions, items, rate = 0.1, minMs = 1000, maxMs = 4000 }) {
	const rnd = random(seed);
	const count = executions * items;
	const durations = Array.from({ length: count }, () =>
		Math.round(minMs + rnd() * (maxMs - minMs)),
	);
	const faulted = Math.round(count * rate);
	const families = [
		...shuffle(rnd, FAMILY_NAMES).slice(0, Math.min(faulted, FAMILY_NAMES.length)),
		...Array.from({ length: Math.max(0, faulted - FAMILY_NAMES.length) }, () =>
			pick(rnd, FAMILY_NAMES),
		),
	];
	const where = shuffle(
		rnd,
		Array.from({ length: count }, (_, i) => i),
	).slice(0, faulted);
	const faults = new Map();
	where.forEach((slot, i) => {
		const family = families[i];
		faults.set(slot, { family, ...FAMILIES[family].draw(rnd) });
	});
	return Array.from({ length: count }, (_, slot) => ({
		execution: Math.floor(slot / items),
		item: slot % items,
		durationMs: durations[slot],
		fault: faults.get(slot) || null,
	}));
}

const WORDS = ['lighthouse', 'fox', 'tram', 'glacier', 'lantern', 'kite', 'owl', 'market'];

/** The load's prompts for one phase (`tag`): unique, so a job is told apart by its prompt. */
function promptsFor(load, tag) {
	return load.map(
		(slot) =>
			`${tag} e${slot.execution} i${slot.item}: a ${WORDS[(slot.execution + slot.item) % WORDS.length]}, soak study`,
	);
}

/**
 * The fake's hooks for a set of prompts (Map prompt → slot): each fault is played once, on the
 * first request of its route for its prompt; FAILED jobs come from scenarioFor.
 */
function fakeHooks(slotsByPrompt) {
	const played = new Set();
	return {
		durationOf: (prompt) => slotsByPrompt.get(prompt)?.durationMs,
		scenarioFor: (prompt) => {
			const fault = slotsByPrompt.get(prompt)?.fault;
			return fault && fault.family === 'failed'
				? { fail: { shape: fault.shape, httpStatus: fault.httpStatus } }
				: undefined;
		},
		inject: (route, request) => {
			const fault = request.prompt && slotsByPrompt.get(request.prompt)?.fault;
			if (!fault || fault.route !== route || played.has(request.prompt)) return undefined;
			played.add(request.prompt);
			return FAMILIES[fault.family].answer(fault);
		},
	};
}

/** What the node should output for a slot: { outcome: 'image' | <error code>, job? }. */
function expectedFor(fault) {
	return fault ? FAMILIES[fault.family].expect(fault) : { outcome: 'image' };
}

/** A fault in a few words, for tables: "5xx-html (submit 502)". */
function describeFault(fault) {
	if (!fault) return 'none';
	const detail = [
		fault.route !== 'scenario' ? fault.route : '',
		fault.status,
		fault.waitS && `${fault.waitS} s`,
		fault.format,
	]
		.filter(Boolean)
		.join(' ');
	return detail ? `${fault.family} (${detail})` : fault.family;
}

module.exports = {
	FAMILY_NAMES,
	random,
	drawLoad,
	promptsFor,
	fakeHooks,
	expectedFor,
	describeFault,
};
