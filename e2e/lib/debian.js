'use strict';
/**
 * Debian packages the suite needs (redis-server for queue mode, chromium for the editor, a C++
 * toolchain for n8n's native modules), installed by the suite itself when they are missing, so a
 * fresh machine that has only Node and Debian runs it too. `apt-get update` runs once per run,
 * before the first install. Node built-ins only.
 */
const fs = require('node:fs');

const { run, runOk } = require('./proc');

let updated = false;

const APT_ENV = {
	...process.env,
	DEBIAN_FRONTEND: 'noninteractive',
	NEEDRESTART_MODE: 'a',
};

/** Whether a Debian package is installed ("install ok installed"). */
async function isInstalled(name) {
	const result = await run('dpkg-query', ['-W', '-f=${Status}', name], {
		label: `dpkg-query ${name}`,
		timeoutMs: 30000,
	}).catch(() => ({ code: 1, stdout: '' }));
	return result.code === 0 && result.stdout.includes('install ok installed');
}

/**
 * Installs the packages that are not installed yet (apt-get update first, once per run).
 * `why` names the part of the suite that needs them, for the log and the error message.
 * Returns { installed: [names], ms }.
 */
async function ensurePackages(names, { why, log = () => {}, recommends = false } = {}) {
	const started = Date.now();
	const missing = [];
	for (const name of names) if (!(await isInstalled(name))) missing.push(name);
	if (missing.length === 0) return { installed: [], ms: 0 };
	if (!fs.existsSync('/usr/bin/apt-get')) {
		throw new Error(
			`${why} needs the Debian packages ${missing.join(', ')}, and there is no apt-get`,
		);
	}
	// As root (the CI machines), apt-get itself; otherwise through passwordless sudo, if there is one.
	let prefix = [];
	if (typeof process.getuid === 'function' && process.getuid() !== 0) {
		const sudo = await run('sudo', ['-n', 'true'], {
			label: 'sudo -n true',
			timeoutMs: 30000,
		}).catch(() => ({ code: 1 }));
		if (sudo.code !== 0) {
			throw new Error(
				`${why} needs the Debian packages ${missing.join(', ')}: install them (apt-get install ${missing.join(' ')}) or run the suite as root`,
			);
		}
		prefix = ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive'];
	}
	const apt = (args, options) =>
		prefix.length
			? runOk(prefix[0], [...prefix.slice(1), 'apt-get', ...args], options)
			: runOk('apt-get', args, options);
	if (!updated) {
		log('apt-get update');
		await apt(['update'], { env: APT_ENV, label: 'apt-get update', timeoutMs: 10 * 60 * 1000 });
		updated = true;
	}
	log(`apt-get install ${missing.join(' ')} (for ${why})`);
	await apt(
		['install', '-y', '-q', ...(recommends ? [] : ['--no-install-recommends']), ...missing],
		{ env: APT_ENV, label: `apt-get install ${missing.join(' ')}`, timeoutMs: 20 * 60 * 1000 },
	);
	for (const name of missing) {
		if (!(await isInstalled(name))) throw new Error(`apt-get did not install ${name}`);
	}
	return { installed: missing, ms: Date.now() - started };
}

module.exports = { ensurePackages };
