'use strict';
/** Assertions with clear messages; a failed one throws E2eAssertionError. */
const { isDeepStrictEqual } = require('node:util');

class E2eAssertionError extends Error {
	constructor(message) {
		super(message);
		this.name = 'E2eAssertionError';
	}
}

const show = (value) => {
	const text = JSON.stringify(value);
	return text === undefined ? String(value) : text.length > 300 ? `${text.slice(0, 300)}…` : text;
};

function ok(condition, message) {
	if (!condition) throw new E2eAssertionError(message);
}

function equal(actual, expected, what) {
	if (!isDeepStrictEqual(actual, expected)) {
		throw new E2eAssertionError(`${what}: expected ${show(expected)}, got ${show(actual)}`);
	}
}

function includes(text, part, what) {
	if (typeof text !== 'string' || !text.includes(part)) {
		throw new E2eAssertionError(
			`${what}: expected text containing ${show(part)}, got ${show(text)}`,
		);
	}
}

module.exports = { ok, equal, includes, show };
