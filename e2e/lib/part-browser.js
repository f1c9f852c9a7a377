'use strict';
/**
 * Part "browser": the node in n8n's editor, in a real browser, on n8n 2.8.4 and on 2.41.1 (the
 * newest 2.x the suite installs), one after the other. Debian's chromium (never a downloaded
 * browser) driven by playwright-core, against `n8n start` (regular mode) with the package
 * installed and no credentials. The owner account is set up through the REST API (POST
 * /rest/owner/setup, then POST /rest/login), and the login cookie is put into a fresh browser
 * profile. Then a user's first journey, each step a check on the DOM (browser-panel.js,
 * browser-journey.js): a new workflow, a Manual Trigger, the node found in the panel and added
 * after it, a Segmind API credential created and tested in the dialog, Execute step (JSON and the
 * image), a Send Email node to the suite's SMTP sink, the workflow executed from the canvas, a
 * wrong API key; then the agent example run from the canvas against the suite's fake model
 * (browser-agent.js). Screenshots of every step go to e2e/screenshots/<version>/; those of the
 * output, the e-mail run, the error and the agent also to docs/images/, from DOCS_VERSION only.
 */
const fs = require('node:fs');
const path = require('node:path');

const { chromium } = require('playwright-core');
const { version: PLAYWRIGHT_VERSION } = require('playwright-core/package.json');

const { E2E_DIR, REPO_DIR, log } = require('./setup');
const { ownerLogin } = require('./n8n-rest');
const { prepareN8n, versionsOf } = require('./env');
const { freePort } = require('./proc');
const { ensurePackages } = require('./debian');
const { stepRunner } = require('./steps');
const { seconds } = require('./text');
const { panelSteps } = require('./browser-panel');
const { journeySteps } = require('./browser-journey');
const { agentSteps } = require('./browser-agent');
const { FakeOpenAi } = require('./fake-openai');

// Debian's chromium, installed by apt; E2E_CHROMIUM=<path> uses another Chromium-based browser
// already on the machine instead (where the distribution has no chromium .deb), and installs none.
const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
// E2E_BROWSER_N8N=<version> runs the editor of that one version only.
const VERSIONS = ['2.8.4', '2.41.1'];
// The newest 2.x, what new users see: its screenshots are the ones in docs/images/.
const DOCS_VERSION = '2.41.1';
const DOCS_IMAGES = path.join(REPO_DIR, 'docs', 'images');
const SCREENSHOTS = path.join(E2E_DIR, 'screenshots');
const STEPS = 16; // per version
const VIEWPORT = { width: 1280, height: 800 };
/** Chromium with a fresh profile, the login cookie, and every request off 127.0.0.1 refused. */
async function launchBrowser(workDir, cookie, offHost) {
	const userDataDir = path.join(workDir, 'chromium-profile');
	fs.mkdirSync(userDataDir, { recursive: true });
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport: VIEWPORT,
		timeout: 60000,
	});
	await context.addCookies([
		{
			name: 'n8n-auth',
			value: cookie,
			domain: '127.0.0.1',
			path: '/',
			httpOnly: true,
			secure: false,
			sameSite: 'Lax',
		},
	]);
	await context.route(
		(url) => url.hostname !== '127.0.0.1',
		(route) => {
			offHost.push(route.request().url());
			return route.abort('blockedbyclient');
		},
	);
	return context;
}

/** What the page did besides the steps: screenshots, requests refused, errors. */
function recorder(version) {
	const shotDir = path.join(SCREENSHOTS, version);
	fs.rmSync(shotDir, { recursive: true, force: true });
	fs.mkdirSync(shotDir, { recursive: true });
	return {
		version,
		shotDir,
		shots: [],
		docs: [],
		offHost: [],
		consoleErrors: [],
		httpErrors: [], // answers >= 400 from n8n to the page
		hooks: {}, // onFailure, once the page exists: a screenshot and the page's HTML
	};
}

/** The browser's page, its console errors and n8n's error answers recorded. */
async function openPage(context, rec) {
	const page = context.pages()[0] || (await context.newPage());
	page.setDefaultTimeout(45000);
	page.on('console', (message) => {
		if (message.type() === 'error') rec.consoleErrors.push(message.text());
	});
	page.on('response', (response) => {
		const url = new URL(response.url());
		if (response.status() >= 400 && url.hostname === '127.0.0.1')
			rec.httpErrors.push(`${response.request().method()} ${url.pathname} ${response.status()}`);
	});
	return page;
}

/** shot(name) into e2e/screenshots/<version>/, docShot(file) into docs/images/, onFailure. */
function cameras(page, rec) {
	const { shotDir, shots, docs } = rec;
	const shot = async (name) => {
		const file = path.join(shotDir, `${String(shots.length + 1).padStart(2, '0')}-${name}.png`);
		await page.screenshot({ path: file });
		shots.push(path.basename(file));
	};
	rec.hooks.onFailure = async (name) => {
		const slug = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
		await shot(`FAILED-${slug}`);
		fs.writeFileSync(path.join(shotDir, `FAILED-${slug}.html`), await page.content());
	};
	// docs/images/ holds one version's screenshots; the other version's stay in e2e/screenshots/.
	const docShot = async (file) => {
		if (rec.version !== DOCS_VERSION) return;
		fs.mkdirSync(DOCS_IMAGES, { recursive: true });
		await page.screenshot({ path: path.join(DOCS_IMAGES, file) });
		docs.push(
			`docs/images/${file} (${Math.round(fs.statSync(path.join(DOCS_IMAGES, file)).size / 1024)} KB)`,
		);
	};
	return { shot, docShot };
}

/** Each step's result, the screenshots, what was refused and what went wrong on the page. */
function closingLines(checks, rec) {
	const { shotDir, shots, docs, offHost, consoleErrors, httpErrors } = rec;
	const lines = [];
	for (const c of checks)
		lines.push(
			`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.name.replace(/^browser [^:]+: /, '')} (${seconds(c.ms)})${c.ok && c.note ? `: ${c.note}` : ''}`,
		);
	if (checks.length < STEPS) lines.push(`  (${STEPS - checks.length} later steps not run)`);
	lines.push(`  screenshots: ${path.relative(REPO_DIR, shotDir)}/ ${shots.join(', ') || 'none'}`);
	if (docs.length) lines.push(`  written: ${docs.join(', ')}`);
	fs.writeFileSync(path.join(shotDir, 'console-errors.txt'), `${consoleErrors.join('\n')}\n`);
	lines.push(
		`  requests off 127.0.0.1 blocked: ${offHost.length ? [...new Set(offHost.map((u) => new URL(u).origin))].join(', ') : 'none'}; console errors: ${consoleErrors.length}; HTTP errors from n8n: ${httpErrors.join(', ') || 'none'}`,
	);
	return lines;
}

/** One n8n version's editor, start to end: { checks, lines }. */
async function editorOf(shared, version) {
	const checks = [];
	const lines = [];
	const instance = await prepareN8n(shared, {
		label: `browser-${version}`,
		version,
		// The auth cookie over plain http on 127.0.0.1.
		extraEnv: { N8N_SECURE_COOKIE: 'false' },
		importCredentials: false, // the user creates them in the editor
	});
	const daemon = await instance.n8n.start(await freePort(), {
		label: `n8n start (editor ${version})`,
	});
	const model = await new FakeOpenAi().start(); // the agent's chat model (last steps)
	const base = daemon.baseUrl;
	const rec = recorder(version);
	const step = stepRunner(`browser ${version}`, checks, rec.hooks);
	let context;
	try {
		const cookie = await ownerLogin(base);
		const launched = Date.now();
		context = await launchBrowser(instance.workDir, cookie, rec.offHost);
		const launchMs = Date.now() - launched;
		const page = await openPage(context, rec);
		const { shot, docShot } = cameras(page, rec);
		const ui = {
			page,
			context,
			base,
			shared,
			step,
			shot,
			docShot,
			packageDir: instance.packageDir,
			cookie,
			model,
		};
		if (await panelSteps(ui)) {
			await journeySteps(ui);
			await agentSteps(ui);
		}
		const browserVersion = context.browser() ? context.browser().version() : 'unknown';
		lines.push(
			`n8n ${version} (${versionsOf(instance.install)}); n8n start ready in ${seconds(daemon.readyMs)}; chromium ${browserVersion} launched in ${seconds(launchMs)}`,
		);
	} finally {
		if (context) await context.close().catch(() => {});
		await daemon.stop();
		await model.stop();
	}
	lines.push(...closingLines(checks, rec));
	return { checks, lines };
}

function browserVersions() {
	const only = process.env.E2E_BROWSER_N8N;
	if (!only) return VERSIONS;
	if (!VERSIONS.includes(only))
		throw new Error(`E2E_BROWSER_N8N=${only}: the browser part knows ${VERSIONS.join(', ')}`);
	return [only];
}

function browserPart() {
	const versions = browserVersions();
	return {
		name: 'browser',
		title: `the editor of n8n ${versions.join(' and ')} in Debian's chromium (playwright-core)`,
		async run(shared) {
			const apt = process.env.E2E_CHROMIUM
				? { installed: [], ms: 0 }
				: await ensurePackages(['chromium', 'fonts-dejavu-core'], {
						why: 'the editor in a browser',
						log: log,
					});
			if (!fs.existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}`);
			const checks = [];
			const lines = [
				`${CHROMIUM}, playwright-core ${PLAYWRIGHT_VERSION}${apt.installed.length ? `; apt-get install ${apt.installed.join(' ')}: ${seconds(apt.ms)}` : ''}; owner through POST /rest/owner/setup, cookie from POST /rest/login`,
			];
			for (const version of versions) {
				const started = Date.now();
				try {
					const result = await editorOf(shared, version);
					checks.push(...result.checks);
					lines.push(...result.lines);
				} catch (error) {
					checks.push({
						name: `browser ${version}: n8n and chromium start`,
						ok: false,
						ms: Date.now() - started,
						error,
					});
					lines.push(`  FAIL  n8n ${version}: ${String(error.message).split('\n')[0]}`);
				}
				lines.push(`  n8n ${version}: ${seconds(Date.now() - started)}`);
			}
			return { checks, lines, expected: STEPS * versions.length };
		},
	};
}

module.exports = { browserPart };
