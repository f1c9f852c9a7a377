'use strict';
/**
 * Named steps for the parts that run several checks against one n8n: each step is one check of
 * the summary; a failure is recorded (with its stack in the log) and the part goes on with the
 * steps that do not need it.
 */
const { log } = require('./setup');
const { seconds } = require('./text');

/**
 * Returns `step(name, fn)`: runs fn, pushes { name: `${prefix}: ${name}`, ok, ms, note | error }
 * onto `checks`, logs PASS or FAIL, and resolves to whether it passed. `hooks.onFailure(name)`,
 * when set by then, runs after a failure (not for an error that says `screenshotTaken`).
 */
function stepRunner(prefix, checks, hooks = {}) {
	return async (name, fn) => {
		const started = Date.now();
		const label = `${prefix}: ${name}`;
		try {
			const note = await fn();
			checks.push({ name: label, ok: true, ms: Date.now() - started, note });
			log(`PASS ${label}${note ? `: ${note}` : ''}`);
			return true;
		} catch (error) {
			checks.push({ name: label, ok: false, ms: Date.now() - started, error });
			if (hooks.onFailure && !error.screenshotTaken) await hooks.onFailure(name).catch(() => {});
			log(
				`FAIL ${label}:\n    ${String(error.stack || error)
					.split('\n')
					.join('\n    ')}`,
			);
			return false;
		}
	};
}

/** A check that could not run because an earlier one failed, recorded as failed. */
function skipped(checks, prefix, names, because) {
	for (const name of names)
		checks.push({
			name: `${prefix}: ${name}`,
			ok: false,
			ms: 0,
			error: new Error(`not run: ${because}`),
		});
}

/**
 * Runs `each(version)` (resolving to { checks, lines }) for every version, one after the other,
 * and adds a PASS/FAIL line per check; a version whose set-up throws counts as one failed check.
 */
async function forEachVersion(versions, prefix, each) {
	const checks = [];
	const lines = [];
	for (const version of versions) {
		const started = Date.now();
		const label = `${prefix} ${version}`;
		try {
			const result = await each(version);
			checks.push(...result.checks);
			lines.push(...result.lines);
		} catch (error) {
			checks.push({ name: `${label}: set-up`, ok: false, ms: Date.now() - started, error });
			log(
				`FAIL ${label}: set-up:\n    ${String(error.stack || error)
					.split('\n')
					.join('\n    ')}`,
			);
		}
		for (const c of checks.filter((x) => x.name.startsWith(`${label}:`)))
			lines.push(
				`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.name} (${seconds(c.ms)})${c.ok && c.note ? `: ${c.note}` : ''}`,
			);
		lines.push(`  ${label}: ${seconds(Date.now() - started)}`);
	}
	return { checks, lines };
}

module.exports = { stepRunner, skipped, forEachVersion };
