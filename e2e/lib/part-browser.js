'use strict';
/**
 * Part "browser": the node in n8n's editor, in a real browser. Debian's chromium (never a
 * downloaded browser) driven by playwright-core, against `n8n start` (regular mode) with the
 * package installed. The owner account is set up through the REST API (POST /rest/owner/setup,
 * then POST /rest/login), and the login cookie is put into a fresh browser profile. Then, in the
 * browser: a new workflow, the node panel, a search for "Flux", the Flux Art Generator added, its
 * parameters and icon checked, and the Segmind API credential dialog opened, filled with the
 * fake's URL and key and saved, which makes n8n test the credential. Every check reads the DOM;
 * screenshots go to e2e/screenshots/ for a human to look at.
 */
const fs = require('node:fs');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');

const { E2E_DIR, N8N_VERSION, REPO_DIR, log } = require('./setup');
const { ok, equal, show } = require('./check');
const { prepareN8n } = require('./env');
const { freePort } = require('./proc');
const { ensurePackages } = require('./debian');
const { seconds } = require('./text');

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
const SCREENSHOTS = path.join(E2E_DIR, 'screenshots');
const ICON_PATH = '/icons/n8n-nodes-segmind/dist/nodes/FluxArtGenerator/segmind.svg';
const OWNER = {
	email: 'e2e-owner@example.com',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-owner-Passw0rd',
};

/** The owner account through the REST API; returns the n8n-auth cookie of a login. */
async function ownerLogin(axios, baseUrl) {
	const options = { validateStatus: () => true, proxy: false, timeout: 30000 };
	// /healthz/readiness answers before the REST controllers are mounted: wait for /rest/settings.
	const started = Date.now();
	for (;;) {
		const settings = await axios.get(`${baseUrl}/rest/settings`, options).catch(() => null);
		if (settings && settings.status === 200 && settings.data && settings.data.data) break;
		ok(
			Date.now() - started < 60000,
			`GET /rest/settings not 200 after 60 s (last: ${settings ? settings.status : 'no answer'})`,
		);
		await sleep(250);
	}
	const setupResponse = await axios.post(`${baseUrl}/rest/owner/setup`, OWNER, options);
	ok(
		setupResponse.status === 200,
		`POST /rest/owner/setup: HTTP ${setupResponse.status} ${show(setupResponse.data)}`,
	);
	const login = await axios.post(
		`${baseUrl}/rest/login`,
		{ emailOrLdapLoginId: OWNER.email, password: OWNER.password },
		options,
	);
	ok(login.status === 200, `POST /rest/login: HTTP ${login.status} ${show(login.data)}`);
	const cookie = (login.headers['set-cookie'] || [])
		.map((c) => /^n8n-auth=([^;]+)/.exec(c))
		.find(Boolean);
	ok(cookie, `POST /rest/login set no n8n-auth cookie: ${show(login.headers['set-cookie'])}`);
	const me = await axios.get(`${baseUrl}/rest/login`, {
		...options,
		headers: { cookie: `n8n-auth=${cookie[1]}` },
	});
	ok(me.status === 200, `GET /rest/login with the cookie: HTTP ${me.status}`);
	equal(me.data && me.data.data && me.data.data.email, OWNER.email, 'the logged-in user');
	return cookie[1];
}

function browserPart() {
	return {
		name: 'browser',
		title: `the editor of n8n ${N8N_VERSION} in Debian's chromium (playwright-core)`,
		async run(shared) {
			const axios = require('axios');
			const lines = [];
			const checks = [];
			const apt = process.env.E2E_CHROMIUM
				? { installed: [], ms: 0 }
				: await ensurePackages(['chromium', 'fonts-dejavu-core'], {
						why: 'the editor in a browser',
						log: log,
					});
			if (!fs.existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}`);
			const { chromium } = require('playwright-core');
			const instance = await prepareN8n(shared, {
				label: 'browser',
				// The auth cookie over plain http on 127.0.0.1.
				extraEnv: { N8N_SECURE_COOKIE: 'false' },
			});
			const daemon = await instance.n8n.start(await freePort(), { label: 'n8n start (editor)' });
			const base = daemon.baseUrl;
			fs.rmSync(SCREENSHOTS, { recursive: true, force: true });
			fs.mkdirSync(SCREENSHOTS, { recursive: true });
			const shots = [];
			let context;
			const offHost = []; // requests the page tried to send off 127.0.0.1 (blocked)
			const consoleErrors = [];
			let onFailure; // set once the page exists: a screenshot and the page's HTML
			const step = async (name, fn) => {
				const started = Date.now();
				try {
					const note = await fn();
					checks.push({ name: `browser: ${name}`, ok: true, ms: Date.now() - started, note });
					log(`PASS browser: ${name}${note ? `: ${note}` : ''}`);
					return true;
				} catch (error) {
					checks.push({ name: `browser: ${name}`, ok: false, ms: Date.now() - started, error });
					if (onFailure && !error.screenshotTaken) await onFailure(name).catch(() => {});
					log(
						`FAIL browser: ${name}:\n    ${String(error.stack || error)
							.split('\n')
							.join('\n    ')}`,
					);
					return false;
				}
			};
			try {
				const cookie = await ownerLogin(axios, base);
				const userDataDir = path.join(instance.workDir, 'chromium-profile');
				fs.mkdirSync(userDataDir, { recursive: true });
				const launched = Date.now();
				context = await chromium.launchPersistentContext(userDataDir, {
					executablePath: CHROMIUM,
					headless: true,
					args: CHROMIUM_ARGS,
					viewport: { width: 1440, height: 900 },
					timeout: 60000,
				});
				const browserVersion = context.browser() ? context.browser().version() : 'unknown';
				const launchMs = Date.now() - launched;
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
				// Everything stays on 127.0.0.1: anything else is refused and listed in the report.
				await context.route(
					(url) => url.hostname !== '127.0.0.1',
					(route) => {
						offHost.push(route.request().url());
						return route.abort('blockedbyclient');
					},
				);
				const page = context.pages()[0] || (await context.newPage());
				page.setDefaultTimeout(30000);
				page.on('console', (message) => {
					if (message.type() === 'error') consoleErrors.push(message.text());
				});
				const shot = async (name) => {
					const file = path.join(
						SCREENSHOTS,
						`${String(shots.length + 1).padStart(2, '0')}-${name}.png`,
					);
					await page.screenshot({ path: file });
					shots.push(path.relative(REPO_DIR, file));
					return file;
				};

				onFailure = async (name) => {
					const slug = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
					await shot(`FAILED-${slug}`);
					fs.writeFileSync(path.join(SCREENSHOTS, `FAILED-${slug}.html`), await page.content());
				};

				let ready = await step('new workflow opens in the editor, logged in', async () => {
					await page.goto(`${base}/workflow/new`, { waitUntil: 'domcontentloaded' });
					await page
						.locator('[data-test-id="canvas-add-button"]')
						.waitFor({ state: 'visible', timeout: 60000 });
					// The "Add first step" button says "Loading" until the node types are in.
					await page
						.locator('[data-test-id="canvas-add-button"]', { hasNotText: /Loading/i })
						.waitFor({ state: 'visible', timeout: 60000 });
					ok(
						page.url().startsWith(`${base}/workflow/`),
						`the editor went to ${page.url()} instead of a new workflow (not logged in?)`,
					);
					await shot('new-workflow');
					return `${page.url().replace(base, '')}`;
				});

				// An empty workflow's node panel offers triggers only: add a Manual Trigger first, as a
				// user does, then open the panel again for the next step.
				if (ready)
					ready = await step('node panel on the empty canvas: add a Manual Trigger', async () => {
						await page.locator('[data-test-id="canvas-add-button"]').click();
						const search = page
							.locator(
								'[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]',
							)
							.first();
						await search.waitFor({ state: 'visible' });
						await search.fill('manual');
						const trigger = page
							.locator('[data-test-id="node-creator-node-item"]', {
								hasText: /Trigger manually|Manual Trigger/,
							})
							.first();
						await trigger.click();
						await page
							.locator('[data-test-id="canvas-node"]')
							.first()
							.waitFor({ state: 'visible' });
						// A trigger's parameter panel may open: close it.
						const ndvClose = page.locator('[data-test-id="ndv-close-button"]');
						if (await ndvClose.isVisible().catch(() => false)) await ndvClose.click();
						const names = await page.locator('[data-test-id="canvas-node"]').allInnerTexts();
						return `canvas: ${names.map((n) => n.replace(/\s+/g, ' ').trim()).join(', ')}`;
					});
				const searchBar = () =>
					page
						.locator(
							'[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]',
						)
						.first();
				// The node itself, not "Flux Art Generator Tool" (the AI-agent tool n8n derives from it).
				const fluxItem = () =>
					page
						.locator('[data-test-id="item-iterator-item"]:visible')
						.filter({
							has: page.locator('[data-test-id="node-creator-item-name"]', {
								hasText: /^\s*Flux Art Generator\s*$/,
							}),
						})
						.first();
				const settle = () => page.waitForTimeout(700); // the panel slides in
				// What a user does first: the panel's "What happens next?" view, search "Flux".
				if (ready)
					await step(
						'node panel ("What happens next?"): search "Flux" lists the Flux Art Generator',
						async () => {
							await page.locator('[data-test-id="node-creator-plus-button"]').first().click();
							await searchBar().waitFor({ state: 'visible' });
							await searchBar().fill('Flux');
							const found = await fluxItem()
								.waitFor({ state: 'visible', timeout: 5000 })
								.then(
									() => true,
									() => false,
								);
							await settle();
							await shot('node-panel-search-flux');
							if (!found) {
								const panel = (
									await page.locator('[data-test-id="node-creator"]').innerText()
								).replace(/\s+/g, ' ');
								const types = await context.request.get(`${base}/types/nodes.json`);
								const node = (await types.json()).find(
									(n) => n.name === 'n8n-nodes-segmind.fluxArtGenerator',
								);
								const codex = node && node.codex;
								const hidden =
									codex &&
									(codex.categories || []).includes('AI') &&
									!((codex.subcategories || {}).AI || []).includes('Root Nodes');
								throw Object.assign(
									new Error(
										`the panel shows no Flux Art Generator ("${panel.slice(0, 160).trim()}"). ` +
											(hidden
												? `The node's codex (FluxArtGenerator.node.json) has categories ${JSON.stringify(codex.categories)} and subcategories.AI ${JSON.stringify(codex.subcategories.AI)}: n8n's node panel hides every node of category "AI" whose subcategories.AI lacks "Root Nodes" from this view's search (filterOutAiNodes in the editor's view stacks), unless the canvas already has AI nodes. Users find it only under the panel's "AI" category.`
												: `The node is ${node ? 'in' : 'NOT in'} /types/nodes.json; codex ${JSON.stringify(codex)}`),
									),
									{ screenshotTaken: true },
								);
							}
							return `result "${(await fluxItem().innerText()).replace(/\s+/g, ' ').trim()}"`;
						},
					);

				// Where the editor does list it: the panel's "AI" category, searched for "Flux".
				let iconSrc;
				if (ready)
					ready = await step(
						'node panel, "AI" category: search "Flux" finds the Flux Art Generator',
						async () => {
							const creator = page.locator('[data-test-id="node-creator"]');
							if (!(await creator.isVisible().catch(() => false)))
								await page.locator('[data-test-id="node-creator-plus-button"]').first().click();
							await searchBar().waitFor({ state: 'visible' });
							if (
								!(await fluxItem()
									.isVisible()
									.catch(() => false))
							) {
								await searchBar().fill('');
								await creator.getByText('AI', { exact: true }).first().click();
								await searchBar().fill('Flux');
							}
							await fluxItem().waitFor({ state: 'visible' });
							const img = fluxItem().locator('img').first();
							await img.waitFor({ state: 'visible' });
							iconSrc = await img.getAttribute('src');
							await settle();
							await shot('node-panel-ai-search-flux');
							const sections = (
								await page.locator('[data-test-id="node-creator"]').innerText()
							).replace(/\s+/g, ' ');
							const section = /(Image Generation[^F]*)Flux Art Generator/.exec(sections);
							return `listed${section ? ` under "${section[1].trim()}"` : ''}: ${sections.slice(sections.indexOf('Flux'), sections.indexOf('Flux') + 80)}`;
						},
					);

				if (ready)
					await step('the node icon loads from the package (HTTP 200, SVG)', async () => {
						ok(iconSrc, 'the search result has no <img> icon');
						const url = new URL(iconSrc, base);
						equal(url.pathname, ICON_PATH, 'icon path');
						const response = await context.request.get(url.href);
						equal(response.status(), 200, `GET ${url.pathname}`);
						ok(
							String(response.headers()['content-type']).startsWith('image/svg+xml'),
							`icon content-type ${response.headers()['content-type']}`,
						);
						const body = await response.body();
						const own = fs.readFileSync(
							path.join(REPO_DIR, 'nodes', 'FluxArtGenerator', 'segmind.svg'),
						);
						// The packed copy is the one served; it came from the same source file.
						ok(body.length > 0 && body.toString('utf8').includes('<svg'), 'the icon is not an SVG');
						const rendered = await fluxItem()
							.locator('img')
							.first()
							.evaluate((el) => ({ complete: el.complete, width: el.naturalWidth }));
						ok(
							rendered.complete && rendered.width > 0,
							`the <img> did not render: ${show(rendered)}`,
						);
						return `${url.pathname} → 200 ${response.headers()['content-type']}, ${body.length} B${body.equals(own) ? ' (= nodes/FluxArtGenerator/segmind.svg)' : ''}, rendered ${rendered.width}px wide`;
					});

				let added = false;
				if (ready)
					added = await step('add the node: the parameter panel shows its parameters', async () => {
						await fluxItem().click();
						// A node with actions opens its action list; "Generate" is the default operation.
						const action = page.locator('[data-test-id="item-iterator-item"]:visible', {
							hasText: 'Generate an image from a prompt',
						});
						await action.first().waitFor({ state: 'visible' });
						await settle();
						const details = (
							await page.locator('[data-test-id="node-creator"]').innerText()
						).replace(/\s+/g, ' ');
						for (const text of [
							'Turn a short prompt into art with Segmind',
							'Get the account credits',
							'Get the result of a request',
							'Submit a prompt without waiting',
						])
							ok(
								details.includes(text),
								`the node's details in the panel lack "${text}": ${details.slice(0, 600)}`,
							);
						await shot('node-panel-actions');
						await action.first().click();
						const ndv = page.locator('[data-test-id="ndv"]');
						await ndv.waitFor({ state: 'visible' });
						const want = ['Operation', 'Text Prompt', 'Workflow ID', 'Download Image', 'Options'];
						const labels = await ndv
							.locator('[data-test-id="parameter-input-label"], .n8n-input-label, label')
							.allInnerTexts();
						const text = await ndv.innerText();
						for (const label of want)
							ok(
								text.includes(label),
								`the parameter panel does not show "${label}":\n${text.slice(0, 1500)}`,
							);
						const operation = ndv.locator('[data-test-id="parameter-input-operation"]');
						await operation.waitFor({ state: 'visible' });
						const operationValue = await operation.locator('input').first().inputValue();
						equal(operationValue, 'Generate', 'the Operation selector');
						await ndv
							.locator('[data-test-id="parameter-input-textPrompt"]')
							.waitFor({ state: 'visible' });
						await ndv
							.locator('[data-test-id="parameter-input-workflowId"]')
							.waitFor({ state: 'visible' });
						const workflowId = await ndv
							.locator('[data-test-id="parameter-input-workflowId"] input')
							.first()
							.inputValue();
						equal(workflowId, '66ba4126364d0f944f366a8f-v2', 'Workflow ID default');
						await shot('node-parameters');
						return `${want.join(', ')} shown; Operation = ${operationValue}; Workflow ID = ${workflowId}; ${labels.length} labels`;
					});

				if (added)
					await step('the Segmind API credential dialog shows API Key and Base URL', async () => {
						const ndv = page.locator('[data-test-id="ndv"]');
						const dialog = page.locator('[data-test-id="credential-edit-dialog"]');
						if (!(await dialog.isVisible())) {
							const select = ndv.locator('[data-test-id="node-credentials-select"]').first();
							await select.click();
							await page
								.locator('[data-test-id="node-credentials-select-item-new"]')
								.first()
								.click();
						}
						await dialog.waitFor({ state: 'visible' });
						await settle();
						// The dialog's header (name, type, Save) sits outside credential-edit-dialog.
						const modal = page.locator('[role="dialog"]:visible').filter({ has: dialog }).last();
						const text = await modal.innerText();
						for (const label of ['API Key', 'Base URL'])
							ok(
								text.includes(label),
								`the credential dialog does not show "${label}":\n${text.slice(0, 1500)}`,
							);
						ok(
							/Segmind/.test(text),
							`the credential dialog does not name Segmind:\n${text.slice(0, 800)}`,
						);
						const baseInput = dialog
							.locator('[data-test-id="parameter-input-baseUrl"] input')
							.first();
						equal(await baseInput.inputValue(), 'https://api.segmind.com', 'Base URL default');
						await shot('credential-dialog');
						return 'API Key, Base URL (default https://api.segmind.com)';
					});

				if (added)
					await step(
						'save the credential: n8n tests it against the fake (GET /v1/get-user-credits)',
						async () => {
							const { fake } = shared;
							fake.reset();
							const dialog = page.locator('[data-test-id="credential-edit-dialog"]');
							await dialog
								.locator('[data-test-id="parameter-input-apiKey"] input')
								.first()
								.fill(fake.apiKey);
							const baseInput = dialog
								.locator('[data-test-id="parameter-input-baseUrl"] input')
								.first();
							await baseInput.fill(fake.baseUrl);
							await page.locator('[data-test-id="credential-save-button"]:visible').click();
							const success = page.locator(
								'[data-test-id="credentials-config-container-test-success"]',
							);
							await success.waitFor({ state: 'visible' });
							const successText = (await success.innerText()).replace(/\s+/g, ' ');
							await settle();
							await shot('credential-tested');
							const tests = fake.requestsTo('credits');
							equal(tests.length, 1, 'credential tests the fake saw');
							equal(tests[0].headers['x-api-key'], fake.apiKey, 'x-api-key of the credential test');
							equal(fake.jobs.length, 0, 'jobs (a credential test must cost nothing)');
							return `"${successText.trim()}", 1 GET ${tests[0].path} with the key, no job`;
						},
					);
				if (added)
					await step(
						'back on the canvas: the node is connected to the trigger, its icon rendered',
						async () => {
							await page.keyboard.press('Escape'); // the credential dialog
							await settle();
							const close = page.locator('[data-test-id="ndv-close-button"]');
							if (await close.isVisible().catch(() => false)) await close.click();
							await page.locator('[data-test-id="ndv"]').waitFor({ state: 'hidden' });
							const node = page.locator('[data-test-id="canvas-node"]', {
								hasText: 'Flux Art Generator',
							});
							await node.waitFor({ state: 'visible' });
							const img = node.locator('img').first();
							await img.waitFor({ state: 'visible' });
							const icon = await img.evaluate((el) => ({
								src: el.getAttribute('src'),
								complete: el.complete,
								width: el.naturalWidth,
							}));
							equal(new URL(icon.src, base).pathname, ICON_PATH, 'the canvas node icon');
							ok(icon.complete && icon.width > 0, `the canvas icon did not render: ${show(icon)}`);
							const edges = await page.locator('[data-test-id="edge"], .vue-flow__edge').count();
							ok(edges >= 1, 'no connection on the canvas');
							await settle();
							await shot('canvas');
							const subtitle = (await node.innerText()).replace(/\s+/g, ' ').trim();
							return `canvas node "${subtitle}", ${edges} connection(s), icon ${icon.width}px`;
						},
					);
				lines.push(
					`chromium ${browserVersion} (${CHROMIUM}), playwright-core ${require('playwright-core/package.json').version}, launched in ${seconds(launchMs)}${apt.installed.length ? `; apt-get install ${apt.installed.join(' ')}: ${seconds(apt.ms)}` : ''}`,
				);
				lines.push(
					`n8n start ready in ${seconds(daemon.readyMs)}; owner set up through POST /rest/owner/setup, cookie from POST /rest/login`,
				);
			} finally {
				if (context) await context.close().catch(() => {});
				await daemon.stop();
			}
			for (const c of checks)
				lines.push(
					`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.name.replace(/^browser: /, '')} (${seconds(c.ms)})${c.ok && c.note ? `: ${c.note}` : ''}`,
				);
			lines.push(`screenshots: ${shots.join(', ') || 'none'}`);
			fs.writeFileSync(
				path.join(SCREENSHOTS, 'console-errors.txt'),
				`${consoleErrors.join('\n')}\n`,
			);
			lines.push(
				`requests off 127.0.0.1 blocked: ${offHost.length ? [...new Set(offHost.map((u) => new URL(u).origin))].join(', ') : 'none'}; console errors: ${consoleErrors.length}`,
			);
			return { checks, lines, expected: 9 };
		},
	};
}

module.exports = { browserPart, ownerLogin };
