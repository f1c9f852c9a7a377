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

const { runOk } = require('./proc');

const N8N_VERSION = '2.8.4';
const E2E_DIR = path.resolve(__dirname, '..');
const REPO_DIR = path.resolve(E2E_DIR, '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * The n8n install's package.json and lockfile, kept in e2e/n8n-<version>/ and copied into the
 * cache: n8n pinned, `"overrides": {"xlsx": "0.18.5"}` (n8n-nodes-base otherwise fetches xlsx from
 * a CDN), and every transitive version frozen, so an install today and in a year are the same.
 */
const N8N_SPEC_DIR = path.join(E2E_DIR, `n8n-${N8N_VERSION}`);
const N8N_SPEC_FILES = ['package.json', 'package-lock.json'];

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
 * n8n N8N_VERSION in <cache>/n8n-<version>, by `npm ci` of e2e/n8n-<version>/. A finished install
 * leaves a marker holding the hash of that package.json and lockfile; without it (or with another
 * hash) the folder is installed again, in a temporary sibling folder renamed into place at the
 * end, so an interrupted install never passes for a complete one.
 */
async function ensureN8n() {
	const root = cacheRoot();
	const dir = path.join(root, `n8n-${N8N_VERSION}`);
	const marker = path.join(dir, '.e2e-installed');
	const bin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const want = sha256(
		N8N_SPEC_FILES.map((name) => fs.readFileSync(path.join(N8N_SPEC_DIR, name), 'utf8')).join('\0'),
	);
	if (
		fs.existsSync(marker) &&
		fs.readFileSync(marker, 'utf8').trim() === want &&
		fs.existsSync(bin)
	) {
		log(`n8n ${N8N_VERSION}: cached in ${dir}`);
		return { dir, bin, installed: false, ms: 0 };
	}
	fs.mkdirSync(root, { recursive: true });
	const staging = `${dir}.tmp-${process.pid}`;
	fs.rmSync(staging, { recursive: true, force: true });
	fs.mkdirSync(staging, { recursive: true });
	for (const name of N8N_SPEC_FILES)
		fs.copyFileSync(path.join(N8N_SPEC_DIR, name), path.join(staging, name));
	log(`n8n ${N8N_VERSION}: installing into ${dir} (about 4 minutes, 2.3 GB)`);
	let result;
	try {
		result = await runOk(NPM, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
			cwd: staging,
			timeoutMs: 30 * 60 * 1000,
			label: `npm install n8n@${N8N_VERSION}`,
		});
		const installed = JSON.parse(
			fs.readFileSync(path.join(staging, 'node_modules', 'n8n', 'package.json'), 'utf8'),
		).version;
		if (installed !== N8N_VERSION)
			throw new Error(`npm installed n8n ${installed}, not ${N8N_VERSION}`);
		fs.writeFileSync(path.join(staging, '.e2e-installed'), `${want}\n`);
		fs.rmSync(dir, { recursive: true, force: true });
		fs.renameSync(staging, dir);
	} catch (error) {
		fs.rmSync(staging, { recursive: true, force: true });
		throw error;
	}
	log(`n8n ${N8N_VERSION}: installed in ${(result.ms / 1000).toFixed(0)} s`);
	return { dir, bin, installed: true, ms: result.ms };
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
 * Build, pack, and copy the compiled fake Segmind into tmpDir, so that nothing later depends on
 * dist/ and .build/ staying put (npm run build starts by deleting both, and another build may run
 * at the same time in a shared work tree). Retried when the outputs vanish half-way.
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
		await new Promise((resolve) => setTimeout(resolve, 5000));
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
	N8N_SPEC_DIR,
	E2E_DIR,
	REPO_DIR,
	cacheRoot,
	ensureOwnDependencies,
	ensureN8n,
	buildPackage,
	packPackage,
	buildAndSnapshot,
	installIntoUserFolder,
	log,
};
