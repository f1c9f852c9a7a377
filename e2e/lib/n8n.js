'use strict';
/**
 * Drives a real n8n through its CLI: import:credentials, import:workflow, publish:workflow (1.x:
 * update:workflow --active=true), execute --rawOutput, and `n8n start` for the webhook example.
 * One throw-away user folder per run; every command gets the same environment.
 */
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');

const { freePort, run, runOk, startDaemon } = require('./proc');

class N8n {
	/**
	 * @param {object} o
	 * @param {string} o.bin          node_modules/n8n/bin/n8n of the cached install
	 * @param {string} o.userFolder   N8N_USER_FOLDER (n8n keeps its data in <it>/.n8n)
	 * @param {string} o.encryptionKey
	 * @param {number} o.brokerPort   N8N_RUNNERS_BROKER_PORT, unique to this run
	 * @param {string[]} o.fileAccess folders the file nodes may use (N8N_RESTRICT_FILE_ACCESS_TO)
	 * @param {string} o.workDir      where the import files and each execution's output are written
	 * @param {string} o.version      the n8n version of the install (1.x differs in a few places)
	 * @param {string} [o.node]       the Node that runs n8n (default: the one running the suite)
	 * @param {object} [o.baseEnv]    the environment to start from (default: process.env)
	 * @param {object} [o.extraEnv]   more N8N_* settings (queue mode, cookies, ...)
	 */
	constructor({
		bin,
		userFolder,
		encryptionKey,
		brokerPort,
		fileAccess,
		workDir,
		version,
		node = process.execPath,
		baseEnv = process.env,
		extraEnv = {},
	}) {
		this.bin = bin;
		this.version = version;
		// n8n 1.x keeps binary data in the execution (base64) unless N8N_DEFAULT_BINARY_DATA_MODE
		// says otherwise, and has no publish:workflow; 2.x stores it on disk by default.
		this.major1 = version.startsWith('1.');
		this.node = node;
		this.userFolder = userFolder;
		this.workDir = workDir;
		this.commands = []; // { args, ms, code }
		const env = { ...baseEnv };
		// Nothing of the caller's n8n setup may leak into the run.
		for (const key of Object.keys(env))
			if (key.startsWith('N8N_') || key.startsWith('DB_')) delete env[key];
		delete env.NODE_OPTIONS;
		Object.assign(env, {
			N8N_USER_FOLDER: userFolder,
			N8N_ENCRYPTION_KEY: encryptionKey,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_VERIFIED_PACKAGES_ENABLED: 'false',
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			N8N_RESTRICT_FILE_ACCESS_TO: fileAccess.join(';'),
			// The info logger prints the execution JSON: keep it, and keep colours out of the output.
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'console',
			NO_COLOR: '1',
			// All traffic stays on this machine: never send 127.0.0.1 through a proxy.
			NO_PROXY: '127.0.0.1,localhost',
			no_proxy: '127.0.0.1,localhost',
			...extraEnv,
		});
		this.env = env;
	}

	async cli(args, { timeoutMs = 120000, ok = true } = {}) {
		const label = `n8n ${args.join(' ')}`;
		const options = { env: this.env, cwd: this.workDir, timeoutMs, label };
		const result = ok
			? await runOk(this.node, [this.bin, ...args], options)
			: await run(this.node, [this.bin, ...args], options);
		this.commands.push({ args: args.join(' '), ms: result.ms, code: result.code });
		return result;
	}

	writeJson(name, value) {
		const file = path.join(this.workDir, name);
		fs.writeFileSync(file, JSON.stringify(value, null, 2));
		return file;
	}

	async importCredentials(credentials) {
		const file = this.writeJson('credentials.json', credentials);
		const result = await this.cli(['import:credentials', `--input=${file}`]);
		if (!/Successfully imported \d+ credential/.test(result.stdout + result.stderr)) {
			throw new Error(
				`import:credentials did not report success:\n${result.stdout}\n${result.stderr}`,
			);
		}
		return result;
	}

	async importWorkflows(workflows) {
		const file = this.writeJson('workflows.json', workflows);
		const result = await this.cli(['import:workflow', `--input=${file}`]);
		const text = result.stdout + result.stderr;
		if (!new RegExp(`Successfully imported ${workflows.length} workflow`).test(text)) {
			throw new Error(`import:workflow did not report ${workflows.length} workflows:\n${text}`);
		}
		return result;
	}

	async publishWorkflow(id) {
		if (this.major1) return this.cli(['update:workflow', `--id=${id}`, '--active=true']);
		return this.cli(['publish:workflow', `--id=${id}`]);
	}

	/**
	 * `n8n execute --id=<id> --rawOutput`. Returns { code, ms, run, stdout, stderr }: `run` is
	 * the execution JSON (IRun: data.resultData.runData, status, startedAt, stoppedAt), parsed from
	 * the first line that is exactly `{` to the next line that is exactly `}`. n8n prints it on
	 * success, and through its info logger (also stdout) when the execution failed.
	 */
	async execute(id, { timeoutMs = 120000 } = {}) {
		const result = await this.cli(['execute', `--id=${id}`, '--rawOutput'], {
			timeoutMs,
			ok: false,
		});
		// Kept for debugging (with E2E_KEEP=1): <tmp>/executions/<id>-<n>.stdout/.stderr
		const dir = path.join(this.workDir, 'executions');
		fs.mkdirSync(dir, { recursive: true });
		const base = path.join(dir, `${id}-${this.commands.length}`);
		fs.writeFileSync(`${base}.stdout`, result.stdout);
		fs.writeFileSync(`${base}.stderr`, result.stderr);
		return { ...result, run: parseExecution(result.stdout) };
	}

	/** `n8n start` on 127.0.0.1:port; resolves once GET /healthz/readiness answers 200. */
	async start(port, { timeoutMs = 90000, env = {}, label = 'n8n start' } = {}) {
		return this.daemon(['start'], {
			timeoutMs,
			label,
			readyUrl: `http://127.0.0.1:${port}/healthz/readiness`,
			baseUrl: `http://127.0.0.1:${port}`,
			env: {
				N8N_PORT: String(port),
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_HOST: '127.0.0.1',
				N8N_PROTOCOL: 'http',
				...env,
			},
		});
	}

	/**
	 * `n8n worker --concurrency=<n>` for queue mode, with a task-runner broker port and a health
	 * port of its own (main already holds the defaults); resolves once its health check answers.
	 */
	async worker({ concurrency, label, env = {} }) {
		const healthPort = await freePort();
		const worker = await this.daemon(['worker', `--concurrency=${concurrency}`], {
			label,
			readyUrl: `http://127.0.0.1:${healthPort}/healthz/readiness`,
			env: {
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
				...env,
			},
		});
		return worker;
	}

	/**
	 * A long-running n8n command (`start`, `worker`) with this instance's environment plus `env`;
	 * resolves once GET readyUrl answers 200.
	 */
	async daemon(args, { readyUrl, baseUrl, env = {}, label, timeoutMs = 90000 }) {
		const started = Date.now();
		const name = label || `n8n ${args.join(' ')}`;
		const daemon = startDaemon(this.node, [this.bin, ...args], {
			env: { ...this.env, ...env },
			cwd: this.workDir,
			label: name,
		});
		for (;;) {
			if (daemon.exited)
				throw new Error(`${name} exited before it was ready:\n${daemon.output().slice(-3000)}`);
			if (Date.now() - started > timeoutMs) {
				await daemon.stop();
				throw new Error(
					`${name} not ready after ${timeoutMs / 1000} s:\n${daemon.output().slice(-3000)}`,
				);
			}
			if (await isReady(readyUrl)) break;
			await sleep(250);
		}
		daemon.readyMs = Date.now() - started;
		if (baseUrl) daemon.baseUrl = baseUrl;
		return daemon;
	}
}

function isReady(url) {
	return new Promise((resolve) => {
		const request = http.get(url, { timeout: 2000 }, (response) => {
			response.resume();
			resolve(response.statusCode === 200);
		});
		request.on('timeout', () => request.destroy());
		request.on('error', () => resolve(false));
	});
}

function parseExecution(stdout) {
	const lines = stdout.split('\n').map((line) => line.replace(/\r$/, ''));
	const start = lines.indexOf('{');
	if (start === -1) return undefined;
	const end = lines.indexOf('}', start + 1);
	if (end === -1) return undefined;
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n'));
	} catch {
		return undefined;
	}
}

module.exports = { N8n };
