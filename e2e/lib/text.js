'use strict';
/** Small text helpers the e2e parts share for their log lines and error messages. */

/** Milliseconds as seconds with one decimal: `1234` → `'1.2 s'`. */
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** The last `lines` lines of a command's output (an empty string for none). */
const tail = (text, lines = 40) =>
	String(text || '')
		.trim()
		.split('\n')
		.slice(-lines)
		.join('\n');

module.exports = { seconds, tail };
